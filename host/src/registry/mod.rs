//! The deployment registry.

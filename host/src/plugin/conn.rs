use super::Driver;
use strata_dialect_api::{ConnInfo, ConnectionBox, DbUrl, InspectOptions, PluginError, Realm, Rows, SqlValue};

/// An open connection through a plugin, with typed calls.
pub struct Conn {
    driver: Driver,
    url: DbUrl,
    info: ConnInfo,
    inner: ConnectionBox,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn").field("driver", &self.driver.manifest.name).field("url", &self.url).finish()
    }
}

impl Conn {
    /// Wraps an opened connection, reading its facts once.
    ///
    /// # Errors
    /// When the plugin sends no or malformed facts (it panicked in `info`).
    pub(super) fn new(driver: Driver, url: DbUrl, inner: ConnectionBox) -> Result<Conn, PluginError> {
        let info = serde_json::from_str(inner.info().as_str()).map_err(|e| {
            PluginError::new(
                strata_dialect_api::ErrorKind::Decode,
                format!("plugin {} sent no usable connection facts (it failed in info: {e})", driver.manifest.name),
            )
        })?;
        Ok(Conn { driver, url, info, inner })
    }

    /// The plugin behind the connection.
    pub fn driver(&self) -> &Driver {
        &self.driver
    }

    /// The URL (prints with its password masked).
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Facts the plugin reported when the connection opened.
    pub fn info(&self) -> &ConnInfo {
        &self.info
    }

    /// Plan options for SQL run on this connection: schema-qualified names when
    /// the URL is not bound to one schema of a dialect that has schemas.
    pub fn plan_options(&self, checks: bool) -> strata_dialect_api::PlanOptions {
        let qualify = self.info.schema.is_none() && self.driver.manifest.capabilities.schemas;
        strata_dialect_api::PlanOptions { qualify, checks }
    }

    /// Inspects the database.
    ///
    /// # Errors
    /// When the plugin's catalog queries fail.
    pub fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError> {
        let options = serde_json::to_string(options).map_err(|e| PluginError::decode("inspect options", e))?;
        let json = self.inner.inspect(options.as_str().into()).into_result()?;
        serde_json::from_str(&json).map_err(|e| PluginError::decode("inspect reply", e))
    }

    /// Executes one statement.
    ///
    /// # Errors
    /// When the database rejects it.
    pub fn exec(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<u64, PluginError> {
        self.inner.exec(sql.into(), SqlValue::to_abi(args)).into_result()
    }

    /// Runs a query, every value as text.
    ///
    /// # Errors
    /// When the database rejects it.
    pub fn query(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<Rows, PluginError> {
        let json = self.inner.query(sql.into(), SqlValue::to_abi(args)).into_result()?;
        serde_json::from_str(&json).map_err(|e| PluginError::decode("query reply", e))
    }

    /// Starts a transaction.
    ///
    /// # Errors
    /// When the database refuses.
    pub fn begin(&mut self) -> Result<(), PluginError> {
        self.inner.begin().into_result()
    }

    /// Commits.
    ///
    /// # Errors
    /// When the database refuses.
    pub fn commit(&mut self) -> Result<(), PluginError> {
        self.inner.commit().into_result()
    }

    /// Rolls back.
    ///
    /// # Errors
    /// When the database refuses.
    pub fn rollback(&mut self) -> Result<(), PluginError> {
        self.inner.rollback().into_result()
    }

    /// Takes the named migration lock.
    ///
    /// # Errors
    /// When another session holds it past the timeout.
    pub fn lock(&mut self, name: &str, timeout: std::time::Duration) -> Result<(), PluginError> {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.inner.lock(name.into(), ms).into_result()
    }

    /// Releases the named migration lock.
    ///
    /// # Errors
    /// When it cannot be released.
    pub fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        self.inner.unlock(name.into()).into_result()
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let _ = self.inner.close();
    }
}

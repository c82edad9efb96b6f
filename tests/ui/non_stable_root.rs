// A root module carrying a type with no stable layout (`String`) cannot derive StableAbi.
use abi_stable::StableAbi;

#[repr(C)]
#[derive(StableAbi)]
pub struct BadModule {
    pub name: String,
}

fn main() {}

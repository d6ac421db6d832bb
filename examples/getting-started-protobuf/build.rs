//! Generates the prost types of `examples/schemas/order.proto` without `protoc`: protox
//! compiles the file to descriptors, and prost-build writes Rust from them.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = "../schemas/order.proto";
    println!("cargo:rerun-if-changed={proto}");
    let descriptors = protox::compile([proto], ["../schemas"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}

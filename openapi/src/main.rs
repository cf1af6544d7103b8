//! `make openapi`: writes the OpenAPI document to functions/openapi.json (served by the Worker).

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/openapi.json");
    std::fs::write(path, motcua_openapi::document_text()).expect("write functions/openapi.json");
    println!("wrote functions/openapi.json");
}

//! The reference of SPEC §10's "`GET` a comment page (warm)" row: a bare actix-web handler that
//! answers every `GET` with the same bytes from memory, as `application/json`. `bench/service.sh`
//! runs it beside the service, on the same machine and the same actix-web, with the page the
//! service served saved to a file.
//!
//!   reference_server PORT FILE
//!
//! A bench target with `harness = false` so it is built with the release profile and never runs
//! in the test suite; `cargo bench` appends `--bench` to the arguments, which is ignored.

use actix_web::web::{Bytes, Data};
use actix_web::{App, HttpResponse, HttpServer};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [port, file] = args.as_slice() else {
        eprintln!("usage: reference_server PORT FILE");
        std::process::exit(2);
    };
    let port: u16 = port
        .parse()
        .map_err(|_| std::io::Error::other(format!("not a port: {port}")))?;
    let body = Data::new(Bytes::from(std::fs::read(file)?));
    actix_web::rt::System::new().block_on(
        HttpServer::new(move || {
            App::new()
                .app_data(body.clone())
                .default_service(actix_web::web::to(|body: Data<Bytes>| async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body.get_ref().clone())
                }))
        })
        .bind(("127.0.0.1", port))?
        .run(),
    )
}

// ANCHOR: here
use rayon::ThreadPoolBuilder;
// ANCHOR_END: here
use std::{
    fs,
    io::prelude::*,
    net::{TcpListener, TcpStream},
    thread,
    time::Duration,
};

fn main() {
    let ecouteur = TcpListener::bind("127.0.0.1:7878").unwrap();
    // ANCHOR: here
    let groupe = ThreadPoolBuilder::new()
        .num_threads(4)
        .panic_handler(|_| eprintln!("Une mission a paniqué ; sa tâche continue de servir."))
        .build()
        .unwrap();

    for flux in ecouteur.incoming() {
        let flux = flux.unwrap();

        groupe.spawn(|| {
            gestion_connexion(flux);
        });
    }
    // ANCHOR_END: here
}

fn gestion_connexion(mut flux: TcpStream) {
    let mut tampon = [0; 1024];
    flux.read(&mut tampon).unwrap();

    let get = b"GET / HTTP/1.1\r\n";
    let sleep = b"GET /sleep HTTP/1.1\r\n";

    let (ligne_statut, nom_fichier) = if tampon.starts_with(get) {
        ("HTTP/1.1 200 OK", "hello.html")
    } else if tampon.starts_with(sleep) {
        thread::sleep(Duration::from_secs(5));
        ("HTTP/1.1 200 OK", "hello.html")
    } else {
        ("HTTP/1.1 404 NOT FOUND", "404.html")
    };

    let contenu = fs::read_to_string(nom_fichier).unwrap();

    let reponse = format!(
        "{ligne_statut}\r\nContent-Length: {}\r\n\r\n{contenu}",
        contenu.len()
    );

    flux.write_all(reponse.as_bytes()).unwrap();
    flux.flush().unwrap();
}

use salutations::GroupeTaches;
use std::{
    error::Error,
    fs,
    io::{self, prelude::*, BufReader},
    net::{TcpListener, TcpStream},
    thread,
    time::Duration,
};

// ANCHOR: main
/// Le temps dont dispose un client pour envoyer sa ligne de requête.
const DELAI_LECTURE: Duration = Duration::from_secs(5);

/// La plus longue ligne de requête que lit le serveur.
const LIGNE_REQUETE_MAX: u64 = 8 * 1024;

fn main() -> Result<(), Box<dyn Error>> {
    let ecouteur = TcpListener::bind("127.0.0.1:7878")?;
    let groupe = GroupeTaches::construire(4)?;

    for flux in ecouteur.incoming() {
        let flux = match flux {
            Ok(flux) => flux,
            Err(erreur) => {
                eprintln!("Échec de la connexion : {erreur}");
                continue;
            }
        };

        groupe.executer(|| {
            if let Err(erreur) = gestion_connexion(flux) {
                eprintln!("Échec de la connexion : {erreur}");
            }
        });
    }

    Ok(())
}
// ANCHOR_END: main

// ANCHOR: handle
fn gestion_connexion(mut flux: TcpStream) -> io::Result<()> {
    flux.set_read_timeout(Some(DELAI_LECTURE))?;

    let mut ligne_requete = Vec::new();
    BufReader::new(&flux)
        .take(LIGNE_REQUETE_MAX)
        .read_until(b'\n', &mut ligne_requete)?;

    let (ligne_statut, nom_fichier) = match chemin_demande(&ligne_requete) {
        Some("/") => ("HTTP/1.1 200 OK", "hello.html"),
        Some("/sleep") => {
            thread::sleep(Duration::from_secs(5));
            ("HTTP/1.1 200 OK", "hello.html")
        }
        Some(_) => ("HTTP/1.1 404 NOT FOUND", "404.html"),
        None => ("HTTP/1.1 400 BAD REQUEST", "400.html"),
    };

    let contenu = fs::read_to_string(nom_fichier)?;

    let reponse = format!(
        "{ligne_statut}\r\nContent-Length: {}\r\n\r\n{contenu}",
        contenu.len()
    );

    flux.write_all(reponse.as_bytes())?;
    flux.flush()
}

/// Le chemin d’une ligne de requête telle que `GET /sleep HTTP/1.1`, ou `None` si
/// la ligne n’est pas une requête `GET` bien formée.
fn chemin_demande(ligne_requete: &[u8]) -> Option<&str> {
    let ligne = std::str::from_utf8(ligne_requete).ok()?;
    let ligne = ligne.strip_suffix("\r\n")?;

    match ligne.split(' ').collect::<Vec<_>>()[..] {
        ["GET", chemin, "HTTP/1.1"] if chemin.starts_with('/') => Some(chemin),
        _ => None,
    }
}
// ANCHOR_END: handle

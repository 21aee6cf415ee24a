use salutations::GroupeTaches;
use std::{error::Error, sync::mpsc};

/// La borne (exclue) des nombres premiers à compter.
const LIMITE: u64 = 1_000_000;

/// Combien de nombres chaque mission examine.
const TRANCHE: u64 = 100_000;

fn main() -> Result<(), Box<dyn Error>> {
    let groupe = GroupeTaches::construire(4)?;
    let (envoi, reception) = mpsc::channel();

    for debut in (0..LIMITE).step_by(TRANCHE as usize) {
        let envoi = envoi.clone();
        groupe.executer(move || {
            let trouves = (debut..debut + TRANCHE).filter(|&n| est_premier(n)).count();
            // `main` garde la réception tant que chaque mission n’a pas envoyé son résultat.
            envoi.send((debut, trouves)).unwrap();
        });
    }
    drop(envoi);

    let mut resultats: Vec<(u64, usize)> = reception.iter().collect();
    resultats.sort();

    for (debut, trouves) in &resultats {
        println!(
            "{debut:>7} à {:>7} : {trouves:>5} nombres premiers",
            debut + TRANCHE - 1
        );
    }
    let total: usize = resultats.iter().map(|(_, trouves)| trouves).sum();
    println!("Sous {LIMITE} : {total} nombres premiers");

    Ok(())
}

fn est_premier(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

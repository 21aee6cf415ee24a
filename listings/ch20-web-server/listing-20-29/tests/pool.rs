use salutations::GroupeTaches;
use std::{
    cell::RefCell,
    collections::HashSet,
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc,
    },
    thread::{self, ThreadId},
    time::{Duration, Instant},
};

/// Le temps maximal qu’un test accorde à ce qui devrait arriver aussitôt.
const PATIENCE: Duration = Duration::from_secs(10);

/// Attend que `faites` renvoie `true`, au plus `PATIENCE` ; indique
/// si c’est arrivé.
fn attendre_que(faites: impl Fn() -> bool) -> bool {
    let echeance = Instant::now() + PATIENCE;
    while !faites() {
        if Instant::now() > echeance {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Envoie `missions` missions qui s’attendent les unes les autres : chacune ne se termine
/// qu’une fois toutes lancées. Renvoie les tâches qui les ont exécutées, ou panique si
/// elles n’ont pas pu s’exécuter toutes en même temps.
fn executer_ensemble(groupe: &GroupeTaches, missions: usize) -> HashSet<ThreadId> {
    let lancees = Arc::new(AtomicUsize::new(0));
    let (envoi, reception) = mpsc::channel();
    for _ in 0..missions {
        let lancees = Arc::clone(&lancees);
        let envoi = envoi.clone();
        groupe.executer(move || {
            lancees.fetch_add(1, Ordering::SeqCst);
            let ensemble = attendre_que(|| lancees.load(Ordering::SeqCst) == missions);
            let id = thread::current().id();
            envoi.send((id, ensemble)).unwrap();
        });
    }
    let mut taches = HashSet::new();
    for _ in 0..missions {
        let (tache, ensemble) = reception.recv_timeout(PATIENCE * 2).unwrap();
        assert!(ensemble, "les missions ne se sont pas exécutées ensemble");
        taches.insert(tache);
    }
    taches
}

#[test]
fn chaque_mission_s_execute() {
    let groupe = GroupeTaches::construire(4).unwrap();
    let faites = Arc::new(AtomicUsize::new(0));

    for _ in 0..100 {
        let faites = Arc::clone(&faites);
        groupe.executer(move || {
            faites.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(groupe);

    assert_eq!(faites.load(Ordering::SeqCst), 100);
}

#[test]
fn taille_missions_en_meme_temps() {
    let groupe = GroupeTaches::construire(4).unwrap();

    assert_eq!(executer_ensemble(&groupe, 4).len(), 4);

    let mut taches = HashSet::new();
    for _ in 0..5 {
        taches.extend(executer_ensemble(&groupe, 4));
    }
    assert_eq!(taches.len(), 4);
}

/// Ajoute un à son compteur quand on le nettoie.
struct CompteurFin(Arc<AtomicUsize>);

impl Drop for CompteurFin {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    /// Nettoyée quand sa tâche se termine.
    static A_LA_FIN: RefCell<Option<CompteurFin>> = const { RefCell::new(None) };
}

#[test]
fn nettoyer_le_groupe_finit_les_missions_et_attend_les_operateurs() {
    let groupe = GroupeTaches::construire(4).unwrap();
    let lancees = Arc::new(AtomicUsize::new(0));
    let finies = Arc::new(AtomicUsize::new(0));
    let sorties = Arc::new(AtomicUsize::new(0));

    for _ in 0..4 {
        let lancees = Arc::clone(&lancees);
        let finies = Arc::clone(&finies);
        let sorties = Arc::clone(&sorties);
        groupe.executer(move || {
            A_LA_FIN.with(|a_la_fin| *a_la_fin.borrow_mut() = Some(CompteurFin(sorties)));
            lancees.fetch_add(1, Ordering::SeqCst);
            attendre_que(|| lancees.load(Ordering::SeqCst) == 4);
            thread::sleep(Duration::from_millis(200));
            finies.fetch_add(1, Ordering::SeqCst);
        });
    }
    assert!(attendre_que(|| lancees.load(Ordering::SeqCst) == 4));
    drop(groupe);

    assert_eq!(finies.load(Ordering::SeqCst), 4);
    assert_eq!(sorties.load(Ordering::SeqCst), 4);
}

#[test]
fn une_mission_qui_panique_garde_son_operateur() {
    let groupe = GroupeTaches::construire(2).unwrap();

    groupe.executer(|| panic!("cette mission échoue"));

    assert_eq!(executer_ensemble(&groupe, 2).len(), 2);
}

// Notre groupe de tâches (le code final du chapitre, compilé ici depuis son
// propre fichier) et le `ThreadPool` de rayon, mis dans les mêmes situations.
#[path = "../../no-listing-08-final-code/src/lib.rs"]
mod livre;

use rayon::ThreadPoolBuilder;
use std::{
    os::unix::process::ExitStatusExt,
    panic::{self, AssertUnwindSafe},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Condvar, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

const TAILLE: usize = 4;
const MISSIONS: usize = 8;
const PATIENCE: Duration = Duration::from_secs(3);
const ECHEANCE: Duration = Duration::from_secs(30);

// Des missions qui s'attendent : chacune participer que `TAILLE` missions
// s'exécutent à la fois, ou que `PATIENCE` soit écoulée.
#[derive(Default)]
struct Reunion {
    comptes: Mutex<Comptes>,
    change: Condvar,
}

#[derive(Default)]
struct Comptes {
    en_cours: usize,
    maximum: usize,
    finies: usize,
}

impl Reunion {
    fn participer(&self) {
        let mut comptes = self.comptes.lock().unwrap();
        comptes.en_cours += 1;
        comptes.maximum = comptes.maximum.max(comptes.en_cours);
        self.change.notify_all();
        let (mut comptes, _) = self
            .change
            .wait_timeout_while(comptes, PATIENCE, |comptes| comptes.maximum < TAILLE)
            .unwrap();
        comptes.en_cours -= 1;
        comptes.finies += 1;
        self.change.notify_all();
    }

    // Le plus de missions exécutées à la fois, une fois `missions` missions terminées.
    fn maximum_simultane(&self, missions: usize) -> usize {
        let comptes = self.comptes.lock().unwrap();
        let (comptes, _) = self
            .change
            .wait_timeout_while(comptes, ECHEANCE, |comptes| comptes.finies < missions)
            .unwrap();
        assert_eq!(comptes.finies, missions);
        comptes.maximum
    }
}

#[test]
fn les_deux_groupes_executent_quatre_missions_a_la_fois() {
    let reunion = Arc::new(Reunion::default());
    let groupe = livre::GroupeTaches::new(TAILLE);
    for _ in 0..TAILLE {
        let reunion = Arc::clone(&reunion);
        groupe.executer(move || reunion.participer());
    }
    assert_eq!(reunion.maximum_simultane(TAILLE), TAILLE);

    let reunion = Arc::new(Reunion::default());
    let groupe = ThreadPoolBuilder::new()
        .num_threads(TAILLE)
        .build()
        .unwrap();
    assert_eq!(groupe.current_num_threads(), TAILLE);
    for _ in 0..TAILLE {
        let reunion = Arc::clone(&reunion);
        groupe.spawn(move || reunion.participer());
    }
    assert_eq!(reunion.maximum_simultane(TAILLE), TAILLE);
}

#[test]
fn taille_zero_panique_chez_nous_et_vaut_un_par_processeur_chez_rayon() {
    assert!(panic::catch_unwind(|| livre::GroupeTaches::new(0)).is_err());

    let groupe = ThreadPoolBuilder::new().num_threads(0).build().unwrap();
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let processeurs = thread::available_parallelism().unwrap().get();
        assert_eq!(groupe.current_num_threads(), processeurs);
    }
}

#[test]
fn apres_une_panique_notre_groupe_execute_trois_missions_a_la_fois_et_son_nettoyage_panique() {
    let groupe = livre::GroupeTaches::new(TAILLE);
    groupe.executer(|| panic!("une mission panique"));
    let reunion = Arc::new(Reunion::default());
    for _ in 0..TAILLE {
        let reunion = Arc::clone(&reunion);
        groupe.executer(move || reunion.participer());
    }
    assert_eq!(reunion.maximum_simultane(TAILLE), TAILLE - 1);

    let nettoye = panic::catch_unwind(AssertUnwindSafe(|| drop(groupe)));
    assert!(nettoye.is_err());
}

#[test]
fn apres_une_panique_rayon_avec_un_gestionnaire_execute_quatre_missions_a_la_fois() {
    let (envoi, panique) = mpsc::channel();
    let groupe = ThreadPoolBuilder::new()
        .num_threads(TAILLE)
        .panic_handler(move |_| envoi.send(()).unwrap())
        .build()
        .unwrap();
    groupe.spawn(|| panic!("une mission panique"));
    panique.recv_timeout(ECHEANCE).unwrap();
    let reunion = Arc::new(Reunion::default());
    for _ in 0..TAILLE {
        let reunion = Arc::clone(&reunion);
        groupe.spawn(move || reunion.participer());
    }
    assert_eq!(reunion.maximum_simultane(TAILLE), TAILLE);
}

#[test]
fn sans_gestionnaire_une_panique_interrompt_rayon() {
    if std::env::var_os("ROBUSTNESS_CHILD").is_some() {
        let groupe = ThreadPoolBuilder::new()
            .num_threads(TAILLE)
            .build()
            .unwrap();
        groupe.spawn(|| panic!("une mission panique"));
        thread::sleep(PATIENCE);
        return;
    }
    let mut enfant = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "sans_gestionnaire_une_panique_interrompt_rayon"])
        .env("ROBUSTNESS_CHILD", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let echeance = Instant::now() + ECHEANCE;
    let statut = loop {
        if let Some(statut) = enfant.try_wait().unwrap() {
            break statut;
        }
        if Instant::now() > echeance {
            enfant.kill().unwrap();
            panic!("le test enfant ne s'est jamais terminé");
        }
        thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(statut.signal(), Some(6)); // SIGABRT
}

#[test]
fn nettoyer_notre_groupe_attend_chaque_mission_en_attente() {
    let finies = Arc::new(AtomicUsize::new(0));
    let groupe = livre::GroupeTaches::new(TAILLE);
    for _ in 0..MISSIONS {
        let finies = Arc::clone(&finies);
        groupe.executer(move || {
            thread::sleep(Duration::from_millis(50));
            finies.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(groupe);
    assert_eq!(finies.load(Ordering::SeqCst), MISSIONS);
}

#[test]
fn nettoyer_rayon_rend_la_main_aussitot_et_les_missions_en_attente_s_executent() {
    let barriere = Arc::new((Mutex::new(false), Condvar::new()));
    let finies = Arc::new(AtomicUsize::new(0));
    let (envoi, sorties) = mpsc::channel();
    let groupe = ThreadPoolBuilder::new()
        .num_threads(TAILLE)
        .exit_handler(move |_| envoi.send(()).unwrap())
        .build()
        .unwrap();
    for _ in 0..MISSIONS {
        let (barriere, finies) = (Arc::clone(&barriere), Arc::clone(&finies));
        groupe.spawn(move || {
            let (ouverte, ouverture) = &*barriere;
            let ouverte = ouverte.lock().unwrap();
            let _ouverte = ouverture.wait_timeout_while(ouverte, ECHEANCE, |ouverte| !*ouverte);
            finies.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(groupe);
    assert_eq!(finies.load(Ordering::SeqCst), 0);

    let (ouverte, ouverture) = &*barriere;
    *ouverte.lock().unwrap() = true;
    ouverture.notify_all();
    for _ in 0..TAILLE {
        sorties.recv_timeout(ECHEANCE).unwrap();
    }
    assert_eq!(finies.load(Ordering::SeqCst), MISSIONS);
}

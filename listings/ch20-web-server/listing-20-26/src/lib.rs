// ANCHOR: here
//! Un groupe de tâches : un nombre fixe de tâches qui exécutent les missions qu’on lui confie.
//!
//! Créez un groupe avec [`GroupeTaches::new`], confiez-lui des fermetures avec
//! [`GroupeTaches::executer`], et nettoyez-le pour attendre la fin de chaque mission.

#![warn(missing_docs)]

use std::{
    sync::{mpsc, Arc, Mutex},
    thread,
};

/// Un nombre fixe de tâches qui exécutent les missions envoyées avec
/// [`executer`](GroupeTaches::executer).
///
/// Chaque mission s’exécute sur l’une des tâches du groupe, donc au plus `taille` missions s’exécutent en
/// même temps ; les autres attendent leur tour dans l’ordre de leur envoi.
/// Nettoyer le groupe attend que chaque mission envoyée jusque-là ait été exécutée, puis arrête
/// toutes les tâches.
///
/// # Exemples
///
/// ```
/// use salutations::GroupeTaches;
/// use std::sync::mpsc;
///
/// let groupe = GroupeTaches::new(2);
/// let (envoi, reception) = mpsc::channel();
///
/// for nombre in 1..=3 {
///     let envoi = envoi.clone();
///     groupe.executer(move || envoi.send(nombre * nombre).unwrap());
/// }
/// drop(envoi);
///
/// let mut carres: Vec<i32> = reception.iter().collect();
/// carres.sort();
/// assert_eq!(carres, [1, 4, 9]);
/// ```
pub struct GroupeTaches {
    operateurs: Vec<Operateur>,
    envoi: mpsc::Sender<Message>,
}

type Mission = Box<dyn FnOnce() + Send + 'static>;

enum Message {
    NouvelleMission(Mission),
    Extinction,
}

impl GroupeTaches {
    /// Crée un nouveau GroupeTaches.
    ///
    /// La taille est le nombre de tâches dans le groupe.
    ///
    /// # Panics
    ///
    /// La fonction `new` panique si la taille vaut zéro.
    ///
    /// ```should_panic
    /// use salutations::GroupeTaches;
    ///
    /// let groupe = GroupeTaches::new(0);
    /// ```
    pub fn new(taille: usize) -> GroupeTaches {
        assert!(taille > 0);

        let (envoi, reception) = mpsc::channel();

        let reception = Arc::new(Mutex::new(reception));

        let mut operateurs = Vec::with_capacity(taille);

        for id in 0..taille {
            operateurs.push(Operateur::new(id, Arc::clone(&reception)));
        }

        GroupeTaches { operateurs, envoi }
    }

    /// Envoie la fermeture `f` au groupe, où l’une des tâches
    /// l’exécutera.
    ///
    /// `executer` rend la main aussitôt : la mission s’exécute dès qu’une tâche est libre.
    ///
    /// # Exemples
    ///
    /// ```
    /// use salutations::GroupeTaches;
    /// use std::sync::{
    ///     atomic::{AtomicUsize, Ordering},
    ///     Arc,
    /// };
    ///
    /// let compte = Arc::new(AtomicUsize::new(0));
    /// let groupe = GroupeTaches::new(4);
    ///
    /// for _ in 0..8 {
    ///     let compte = Arc::clone(&compte);
    ///     groupe.executer(move || {
    ///         compte.fetch_add(1, Ordering::SeqCst);
    ///     });
    /// }
    /// drop(groupe);
    ///
    /// assert_eq!(compte.load(Ordering::SeqCst), 8);
    /// ```
    pub fn executer<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let mission = Box::new(f);

        self.envoi.send(Message::NouvelleMission(mission)).unwrap();
    }
}
// ANCHOR_END: here

impl Drop for GroupeTaches {
    fn drop(&mut self) {
        println!("Envoi du message d'extinction à tous les opérateurs.");

        for _ in &self.operateurs {
            self.envoi.send(Message::Extinction).unwrap();
        }

        println!("Arrêt de tous les opérateurs.");

        for operateur in &mut self.operateurs {
            println!("Arrêt de l'opérateur {}", operateur.id);

            if let Some(tache) = operateur.tache.take() {
                tache.join().unwrap();
            }
        }
    }
}

struct Operateur {
    id: usize,
    tache: Option<thread::JoinHandle<()>>,
}

impl Operateur {
    fn new(id: usize, reception: Arc<Mutex<mpsc::Receiver<Message>>>) -> Operateur {
        let tache = thread::spawn(move || loop {
            let message = reception.lock().unwrap().recv().unwrap();

            match message {
                Message::NouvelleMission(mission) => {
                    println!("L'opérateur {id} a reçu une mission ; il l'exécute.");

                    mission();
                }
                Message::Extinction => {
                    println!("L'opérateur {id} a reçu le message d'extinction.");

                    break;
                }
            }
        });

        Operateur {
            id,
            tache: Some(tache),
        }
    }
}

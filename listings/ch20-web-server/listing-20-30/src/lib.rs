//! Un groupe de tâches : un nombre fixe de tâches qui exécutent les missions qu’on lui confie.
//!
//! Créez un groupe avec [`GroupeTaches::construire`], confiez-lui des fermetures avec
//! [`GroupeTaches::executer`], et nettoyez-le pour attendre la fin de chaque mission.

#![warn(missing_docs)]

use std::{
    error::Error,
    fmt, io,
    panic::{self, AssertUnwindSafe},
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
/// let groupe = GroupeTaches::construire(2)?;
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
/// # Ok::<(), salutations::ErreurCreationGroupe>(())
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
    /// Crée un groupe de `taille` tâches.
    ///
    /// # Erreurs
    ///
    /// Renvoie [`ErreurCreationGroupe::AucuneTache`] si `taille` vaut zéro, et
    /// [`ErreurCreationGroupe::Lancement`] si le système ne peut pas lancer de tâche.
    ///
    /// ```
    /// use salutations::{ErreurCreationGroupe, GroupeTaches};
    ///
    /// let resultat = GroupeTaches::construire(0);
    ///
    /// assert!(matches!(resultat, Err(ErreurCreationGroupe::AucuneTache)));
    /// ```
    pub fn construire(taille: usize) -> Result<GroupeTaches, ErreurCreationGroupe> {
        if taille == 0 {
            return Err(ErreurCreationGroupe::AucuneTache);
        }

        let (envoi, reception) = mpsc::channel();

        let reception = Arc::new(Mutex::new(reception));

        let mut operateurs = Vec::with_capacity(taille);

        for id in 0..taille {
            let operateur = Operateur::new(id, Arc::clone(&reception));
            operateurs.push(operateur.map_err(ErreurCreationGroupe::Lancement)?);
        }

        Ok(GroupeTaches { operateurs, envoi })
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
    /// let groupe = GroupeTaches::construire(4)?;
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
    /// # Ok::<(), salutations::ErreurCreationGroupe>(())
    /// ```
    pub fn executer<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let mission = Box::new(f);

        self.envoi
            .send(Message::NouvelleMission(mission))
            .expect("les opérateurs vivent plus longtemps que l'envoi du groupe");
    }
}

/// L’erreur que renvoie [`GroupeTaches::construire`] quand il est impossible de créer le groupe.
#[derive(Debug)]
pub enum ErreurCreationGroupe {
    /// Le groupe n’aurait aucune tâche pour exécuter ses missions.
    AucuneTache,
    /// Le système n’a pas pu lancer l’une des tâches.
    Lancement(io::Error),
}

impl fmt::Display for ErreurCreationGroupe {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ErreurCreationGroupe::AucuneTache => {
                write!(f, "un groupe de tâches a besoin d'au moins une tâche")
            }
            ErreurCreationGroupe::Lancement(erreur) => {
                write!(f, "impossible de lancer une tâche : {erreur}")
            }
        }
    }
}

impl Error for ErreurCreationGroupe {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ErreurCreationGroupe::AucuneTache => None,
            ErreurCreationGroupe::Lancement(erreur) => Some(erreur),
        }
    }
}

impl Drop for GroupeTaches {
    fn drop(&mut self) {
        for _ in &self.operateurs {
            self.envoi
                .send(Message::Extinction)
                .expect("les opérateurs vivent plus longtemps que l'envoi du groupe");
        }

        for operateur in &mut self.operateurs {
            if let Some(tache) = operateur.tache.take() {
                tache
                    .join()
                    .expect("un opérateur rattrape les paniques de ses missions");
            }
        }
    }
}

struct Operateur {
    tache: Option<thread::JoinHandle<()>>,
}

impl Operateur {
    fn new(id: usize, reception: Arc<Mutex<mpsc::Receiver<Message>>>) -> io::Result<Operateur> {
        let constructeur = thread::Builder::new().name(format!("operateur-{id}"));
        let tache = constructeur.spawn(move || loop {
            let message = reception
                .lock()
                .expect("aucune tâche ne panique en tenant la réception")
                .recv()
                .expect("le groupe envoie Extinction avant de nettoyer l'envoi");

            match message {
                Message::NouvelleMission(mission) => {
                    // Le crochet de panique a déjà signalé la panique.
                    let _ = panic::catch_unwind(AssertUnwindSafe(mission));
                }
                Message::Extinction => {
                    break;
                }
            }
        })?;

        let tache = Some(tache);
        Ok(Operateur { tache })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_taches_des_operateurs_ont_un_nom() {
        let groupe = GroupeTaches::construire(1).unwrap();
        let (envoi, reception) = mpsc::channel();

        groupe.executer(move || {
            let nom_tache = thread::current().name().map(String::from);
            envoi.send(nom_tache).unwrap();
        });

        assert_eq!(reception.recv().unwrap().as_deref(), Some("operateur-0"));
    }

    #[test]
    fn construire_refuse_zero_tache() {
        let erreur = GroupeTaches::construire(0).err().unwrap();

        assert!(matches!(erreur, ErreurCreationGroupe::AucuneTache));
        assert_eq!(
            erreur.to_string(),
            "un groupe de tâches a besoin d'au moins une tâche"
        );
    }
}

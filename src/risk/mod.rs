//! Churn risk: the BG/NBD model of each customer's purchases ([`bgnbd`]) and how well a ranking
//! predicts churn ([`auc`]).

pub mod auc;
pub mod bgnbd;

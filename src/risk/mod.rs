//! Churn risk: the BG/NBD model of each customer's purchases ([`bgnbd`]), a score of every unit
//! and its backtest ([`score`]), and how well a ranking predicts churn ([`auc`]).

pub mod auc;
pub mod bgnbd;
pub mod report;
pub mod score;

//! The relation rules as a table: (sentence, date, expected claims).

use super::*;

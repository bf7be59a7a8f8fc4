//! kiemdiem-store

//! kiemdiem-web

//! kiemdiem-app

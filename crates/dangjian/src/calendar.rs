//! Dates, periods and windows.

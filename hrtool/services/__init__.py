"""Service layer: each function is one user action. It loads, calls domain rules, writes the
result and its audit events; the caller (a view or command) commits once."""

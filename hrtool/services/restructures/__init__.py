"""Restructures: current and proposed structures, the job match grid, costing, going live, and
redundancy figures from the rules held as data."""

"""Pay and grading: the NJC pay spine by pay year, awards and their arrears, increments, pay points
deleted by an award, each council's grade conventions, dated grades of posts, regrading, and job
evaluation (the `jes` subpackage)."""

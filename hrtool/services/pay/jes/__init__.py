"""Job evaluation under the NJC scheme, by subject: the factor plan by dated version
(`scheme`), local conventions and convention sets (`local_conventions`); evaluations themselves
stay in services/pay/job_evaluations.py, which grades posts from them."""

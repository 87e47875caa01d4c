"""``shenbao check``: the runner, the rule machinery and documentation; the rules are in ``check.rules``."""

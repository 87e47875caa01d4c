"""The rules of ``shenbao check``, one module a rule or a small family; the registry is ``check.registry``."""

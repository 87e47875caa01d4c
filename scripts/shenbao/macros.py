"""What ``mkdocs.yml`` names for mkdocs-macros (``modules: [shenbao.macros]``); the macros live in ``site.macros``."""

from shenbao.site.macros import define_env, on_post_page_macros, on_pre_page_macros

__all__ = ["define_env", "on_post_page_macros", "on_pre_page_macros"]

"""Subcommands of the ``exactdlm`` CLI, one module each (see ``exactdlm.cli``)."""

# Jupyter configuration for the kernels that execute the labs during `mkdocs build`.
# hooks/notebooks.py puts this folder on JUPYTER_CONFIG_PATH for the build only.
# ipykernel logs a warning on every start when it talks to nbclient over local TCP;
# keep the build log clean (kernel errors are still shown).
c = get_config()  # noqa: F821
c.NotebookClient.extra_arguments = ["--IPKernelApp.log_level=ERROR"]

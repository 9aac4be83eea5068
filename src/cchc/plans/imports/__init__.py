"""The plan import: read a plan file (`files`, `readers`), match its names (`matching`),
preview it (`preview`), keep it until confirmed (`staging`) and write it (`services`); the
web journey (`forms`, `views`, `urls`) and the `import_plan` command use these."""

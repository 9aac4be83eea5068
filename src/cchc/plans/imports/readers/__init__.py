"""The readers of a plan file's tables: `xlsx`, `docx`, and what both share (`headers`,
`table`)."""

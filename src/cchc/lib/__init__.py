"""The ground: helpers every app may use (text folding, numbers and rates). Imports nothing
of the domain, so that nothing here can pull an app in."""

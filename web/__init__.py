"""The web server's own concerns: who is signed in, who may call what, and the headers and
checks every request and response goes through. Pages live in layouts/."""

"""The Word loop: redlines with tracked changes out, reviewers' comments and changes back."""

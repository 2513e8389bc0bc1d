"""`make lighthouse`: Lighthouse scores of the storefront served the production way (see __main__)."""

"""Dash pages: register_page, a layout(**kwargs) function and thin callbacks. No pandas here."""

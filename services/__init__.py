"""The one door to the data: sessions, transactions, the upload check and preview, the caches.

Pages, exports and the command line call it; only it reaches storage."""

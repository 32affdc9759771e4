/*
 * The page of an invitation link (/console/invitation.html#secret): the secret stays after '#', so it never
 * reaches a server log or a Referer; it is sent once, with the chosen password, to POST /auth/invitation.
 */
(function () {
  'use strict';

  document.addEventListener('DOMContentLoaded', function () {
    var token = window.location.hash.slice(1);
    // The secret leaves the address bar (and the history) as soon as the page has it.
    window.history.replaceState(null, '', window.location.pathname);
    var error = document.getElementById('invitation-error');
    if (!token) error.textContent = 'Ce lien est incomplet : ouvrez le lien reçu en entier.';

    document.getElementById('invitation-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var password = document.getElementById('new-password').value;
      var confirm = document.getElementById('confirm-password').value;
      if (password.length < 12) {
        error.textContent = 'Le mot de passe doit compter 12 caractères au moins.';
        return document.getElementById('new-password').focus();
      }
      if (password !== confirm) {
        error.textContent = 'Les deux mots de passe sont différents.';
        return document.getElementById('confirm-password').focus();
      }
      error.textContent = '';
      fetch('/auth/invitation', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ token: token, password: password }),
        cache: 'no-store',
      })
        .then(function (res) {
          return res.json().then(function (body) {
            if (res.ok) return window.location.assign('/console');
            error.textContent =
              (body && body.error && body.error.message) || 'Le mot de passe n’a pas été enregistré.';
          });
        })
        .catch(function () {
          error.textContent = 'Le serveur ne répond pas. Réessayez dans un instant.';
        });
    });
  });
})();

/*
 * The page of an invitation link (/console/invitation.html#secret): the secret stays after '#', so it never
 * reaches a server log or a Referer; it is sent once, with the chosen password, to POST /auth/invitation.
 */
(function () {
  'use strict';

  /**
   * @param {string} id
   * @returns {HTMLElement}
   */
  function byId(id) {
    var node = document.getElementById(id);
    if (!node) throw new Error('#' + id + ' is missing from the page');
    return node;
  }

  /** @param {string} id */
  function inputById(id) {
    return /** @type {HTMLInputElement} */ (byId(id));
  }

  document.addEventListener('DOMContentLoaded', function () {
    var token = window.location.hash.slice(1);
    // The secret leaves the address bar (and the history) as soon as the page has it.
    window.history.replaceState(null, '', window.location.pathname);
    var error = byId('invitation-error');
    if (!token) error.textContent = 'Ce lien est incomplet : ouvrez le lien reçu en entier.';

    byId('invitation-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var password = inputById('new-password').value;
      var confirm = inputById('confirm-password').value;
      if (password.length < 12) {
        error.textContent = 'Le mot de passe doit compter 12 caractères au moins.';
        return byId('new-password').focus();
      }
      if (password !== confirm) {
        error.textContent = 'Les deux mots de passe sont différents.';
        return byId('confirm-password').focus();
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

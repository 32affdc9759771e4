/*
 * Guichet console: how people sign in. With an identity provider (OIDC_ISSUER), the page offers its button;
 * the server keeps the session (httpOnly cookie, invisible to this script) and gives this page the
 * session's CSRF token, which every POST/DELETE echoes in X-CSRF-Token. console.js asks this file for the
 * headers of its API calls (GuichetSignin.addHeaders) and for the session at start (GuichetSignin.resume).
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

  /** Why the provider's round trip ended back here without a session (?connexion=…). */
  /** @type {Record<string, string>} */
  var OUTCOME = {
    refusee:
      'Votre compte est reconnu, mais il n’a pas accès à cette console. Demandez à l’administrateur de votre collectivité de vous y autoriser.',
    desactive: 'Votre accès à la console a été désactivé par un administrateur.',
    expiree: 'La connexion a pris trop de temps ou a été ouverte dans un autre navigateur. Recommencez.',
    annulee: 'La connexion a été annulée.',
    echec: 'La connexion n’a pas abouti. Recommencez ; si cela persiste, prévenez l’administrateur.',
    indisponible: 'Le service de connexion de votre collectivité ne répond pas. Réessayez dans un instant.',
    'deconnecte-partout': 'Vous êtes déconnecté sur tous vos appareils.',
  };

  /** @type {GuichetSigninApi} */
  var signin = {
    csrf: null,

    /** Adds what a session-authenticated call needs (the CSRF token) to a headers object. */
    addHeaders: function (headers) {
      if (signin.csrf) headers['X-CSRF-Token'] = signin.csrf;
      return headers;
    },

    /** Resolves true when the browser has a console session (its cookie), after fetching its CSRF token. */
    resume: function () {
      return fetch('/api/v1/session', { headers: { Accept: 'application/json' }, cache: 'no-store' })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (session) {
          signin.csrf = session && session.signedInWith === 'session' ? session.csrfToken : null;
          byId('logout-everywhere').hidden = !signin.csrf;
          return Boolean(signin.csrf);
        })
        .catch(function () {
          return false;
        });
    },

    /** Ends this session (or every session of the agent); resolves when the server has done it. */
    signOut: function (everywhere) {
      if (!signin.csrf) return Promise.resolve();
      var path = everywhere ? '/api/v1/session/sign-out-everywhere' : '/api/v1/session/sign-out';
      return fetch(path, {
        method: 'POST',
        headers: signin.addHeaders({ Accept: 'application/json' }),
        cache: 'no-store',
      }).then(
        function () {
          signin.csrf = null;
        },
        function () {
          signin.csrf = null;
        },
      );
    },
  };
  window.GuichetSignin = signin;

  document.addEventListener('DOMContentLoaded', function () {
    var params = new URLSearchParams(window.location.search);
    var outcome = params.get('connexion');
    if (outcome && OUTCOME[outcome]) byId('signin-message').textContent = OUTCOME[outcome];
    // The outcome is said once: a reload does not repeat it.
    if (outcome) window.history.replaceState(null, '', window.location.pathname);

    byId('logout-everywhere').addEventListener('click', function () {
      signin.signOut(true).then(function () {
        window.location.assign('/console?connexion=deconnecte-partout');
      });
    });

    byId('password-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var error = byId('password-error');
      var email = inputById('signin-email').value.trim();
      var password = inputById('signin-password').value;
      if (!email || !password) {
        error.textContent = 'Saisissez votre adresse et votre mot de passe.';
        return;
      }
      error.textContent = '';
      fetch('/auth/password', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ email: email, password: password }),
        cache: 'no-store',
      })
        .then(function (res) {
          return res.json().then(function (body) {
            if (res.ok) return window.location.assign('/console');
            error.textContent =
              (body && body.error && body.error.message) || 'La connexion n’a pas abouti. Recommencez.';
            inputById('signin-password').value = '';
            byId('signin-password').focus();
          });
        })
        .catch(function () {
          error.textContent = 'Le serveur ne répond pas. Réessayez dans un instant.';
        });
    });

    fetch('/auth/options', { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        return res.json();
      })
      .then(function (options) {
        var tokenForm = byId('token-signin');
        if (options && options.oidc) {
          var link = byId('oidc-link');
          link.textContent = 'Se connecter avec ' + (options.oidc.name || 'le compte de votre collectivité');
          link.setAttribute('href', options.oidc.loginUrl);
          byId('oidc-signin').hidden = false;
        } else {
          // Without an identity provider, the token form is the way in: unfolded.
          /** @type {HTMLDetailsElement} */ (tokenForm).open = true;
        }
      })
      .catch(function () {
        /** @type {HTMLDetailsElement} */ (byId('token-signin')).open = true;
      });
  });
})();

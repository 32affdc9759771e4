// @ts-check
/*
 * What every console page shares, on window.Guichet: typed element getters, a safe element builder (text through
 * textContent only), the polite announcer, dates in the territory's time zone, the API client (the tab's bearer
 * token, or the session cookie with its CSRF token) and the vocabulary (French labels instead of ids).
 * Load it before the page's own script. A new page uses this instead of copying helpers.
 */
(function () {
  'use strict';

  var API = '/api/v1';
  var TOKEN_KEY = 'guichet.console.token';
  /** @type {string | null} */
  var csrf = null;
  /** @type {Promise<GuichetVocabulary> | null} */
  var vocabulary = null;
  var timeZone = 'Europe/Paris';

  /** @param {string} id @returns {HTMLElement} */
  function byId(id) {
    var node = document.getElementById(id);
    if (!node) throw new Error('#' + id + ' is missing from the page');
    return node;
  }

  /** @param {string} id @returns {HTMLInputElement} */
  function input(id) {
    return /** @type {HTMLInputElement} */ (byId(id));
  }

  /** @param {string} id @returns {HTMLSelectElement} */
  function select(id) {
    return /** @type {HTMLSelectElement} */ (byId(id));
  }

  /** @param {string} id @returns {HTMLTextAreaElement} */
  function textarea(id) {
    return /** @type {HTMLTextAreaElement} */ (byId(id));
  }

  /** @param {string} id @returns {HTMLButtonElement} */
  function button(id) {
    return /** @type {HTMLButtonElement} */ (byId(id));
  }

  /**
   * Builds an element; text goes through textContent only.
   * @param {string} tag
   * @param {Record<string, unknown>} [attrs] `text`, `className`, `on<event>` handlers, or attributes
   * @param {Array<Node | string | null | undefined | false>} [children]
   * @returns {HTMLElement}
   */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var given = attrs || {};
    Object.keys(given).forEach(function (name) {
      var value = given[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = /** @type {string} */ (value);
      else if (name.indexOf('on') === 0)
        node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
      else node.setAttribute(name, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** @param {Node} node */
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Says a sentence to screen readers through the page's #announce live region (if it has one). */
  /** @param {string} text */
  function announce(text) {
    var region = document.getElementById('announce');
    if (!region) return;
    region.textContent = '';
    // A new text node after a tick is read even when the same sentence repeats.
    setTimeout(function () {
      /** @type {HTMLElement} */ (region).textContent = text;
    }, 50);
  }

  /**
   * A date and time as people of the territory read it ("05/12/2026 14:03"), in its time zone whatever the
   * agent's computer says.
   * @param {string | null | undefined} iso
   * @param {{ date?: boolean }} [options] `date: true` for the day only
   */
  function when(iso, options) {
    if (!iso) return '';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    /** @type {Intl.DateTimeFormatOptions} */
    var format = { timeZone: timeZone, day: '2-digit', month: '2-digit', year: 'numeric' };
    if (!(options && options.date)) {
      format.hour = '2-digit';
      format.minute = '2-digit';
    }
    return new Intl.DateTimeFormat('fr-FR', format).format(d);
  }

  /** The bearer token typed in this tab, if any (people use the session cookie instead). */
  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /** @param {Record<string, string>} headers */
  function authHeaders(headers) {
    var t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    else if (csrf) headers['X-CSRF-Token'] = csrf;
    return headers;
  }

  /** Resolves true when the browser has a console session (its cookie) or a tab token; fetches the CSRF token. */
  function resume() {
    if (token()) return Promise.resolve(true);
    return fetch(API + '/session', { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (session) {
        csrf = session && session.signedInWith === 'session' ? session.csrfToken : null;
        return Boolean(csrf);
      })
      .catch(function () {
        return false;
      });
  }

  /**
   * Calls /api/v1; resolves with the JSON answer, rejects with an Error carrying `status` and the API's message.
   * @param {string} path
   * @param {{ method?: string, body?: unknown }} [options]
   * @returns {Promise<any>}
   */
  function api(path, options) {
    var opts = options || {};
    var method = opts.method || 'GET';
    // A page whose sign-in went through another script (console.js uses signin.js) has not fetched the CSRF
    // token here yet: a state change fetches it first rather than being refused.
    if (method !== 'GET' && !token() && !csrf)
      return resume().then(function () {
        return send(path, opts, method);
      });
    return send(path, opts, method);
  }

  /** @param {string} path @param {{ body?: unknown }} opts @param {string} method @returns {Promise<any>} */
  function send(path, opts, method) {
    var headers = authHeaders({ Accept: 'application/json' });
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    return answered(
      fetch(API + path, {
        method: method,
        headers: headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        cache: 'no-store',
      }),
    );
  }

  /** @param {string} path @param {Blob} file @returns {Promise<any>} */
  function upload(path, file) {
    var go = function () {
      var headers = authHeaders({
        Accept: 'application/json',
        'Content-Type': file.type || 'application/octet-stream',
      });
      return answered(fetch(API + path, { method: 'PUT', headers: headers, body: file, cache: 'no-store' }));
    };
    return !token() && !csrf ? resume().then(go) : go();
  }

  /**
   * An image of the API (a field team's photo) as an object URL for an <img>: fetched with the same credentials
   * as api(), which an <img src> would not send with a tab's token.
   * @param {string} path
   * @returns {Promise<string>}
   */
  function image(path) {
    return fetch(API + path, { headers: authHeaders({}), cache: 'no-store' }).then(function (res) {
      if (!res.ok) throw apiError(res.status);
      return res.blob().then(function (blob) {
        return URL.createObjectURL(blob);
      });
    });
  }

  /** A random id (crypto.randomUUID where the page is secure, random bytes otherwise). */
  function clientId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map
      .call(bytes, function (/** @type {number} */ b) {
        return (b + 256).toString(16).slice(1);
      })
      .join('');
  }

  /** The JSON answer, or an Error carrying the status and the API's message. @param {Promise<Response>} pending */
  function answered(pending) {
    return pending.then(function (res) {
      if (res.status === 204) return null;
      return res.json().then(
        function (body) {
          if (!res.ok) throw apiError(res.status, body && body.error && body.error.message);
          return body;
        },
        function () {
          throw apiError(res.status);
        },
      );
    });
  }

  /** @param {number} status @param {string} [message] @returns {GuichetApiError} */
  function apiError(status, message) {
    /** @type {GuichetApiError} */
    var error = new Error(message || 'Erreur ' + status);
    error.status = status;
    return error;
  }

  /** The tenant a platform administrator picked (?tenant= in this page's URL), appended to an API path. */
  /** @param {string} path */
  function withTenant(path) {
    var tenant = new URLSearchParams(location.search).get('tenant');
    if (!tenant) return path;
    return path + (path.indexOf('?') >= 0 ? '&' : '?') + 'tenant=' + encodeURIComponent(tenant);
  }

  /** The territory's labels, fetched once per page. @returns {Promise<GuichetVocabulary>} */
  function loadVocabulary() {
    if (!vocabulary) {
      vocabulary = api(withTenant('/vocabulary')).then(function (/** @type {GuichetVocabulary} */ v) {
        timeZone = v.timeZone || timeZone;
        return v;
      });
    }
    return vocabulary;
  }

  /**
   * The label of an id in a vocabulary group; an unknown id shows as "—" rather than leaking a code name
   * (the id stays available to the caller).
   * @param {GuichetVocabulary | null} v
   * @param {keyof GuichetVocabulary} group
   * @param {string | null | undefined} id
   */
  function label(v, group, id) {
    if (!id) return '—';
    var labels = v && /** @type {Record<string, string> | undefined} */ (v[group]);
    return (labels && labels[id]) || '—';
  }

  /**
   * "Écouter le message vocal": the recording (`path`, an /api/v1 audio endpoint) is fetched on demand — each
   * listening is audited — with the console's credentials, then played in an <audio> player; Twilio unreachable
   * is said in French. `onSignedOut` runs when the session has expired.
   * @param {string} path @param {() => void} onSignedOut
   */
  function voicePlayer(path, onSignedOut) {
    var box = el('div', { className: 'voice-message' });
    var status = el('p', { className: 'voice-status', role: 'status' });
    var play = el('button', {
      type: 'button',
      className: 'secondary',
      text: 'Écouter le message vocal',
      onclick: function () {
        play.setAttribute('disabled', '');
        status.textContent = 'Chargement du message vocal…';
        image(path).then(
          function (/** @type {string} */ url) {
            var player = el('audio', { controls: true, src: url, 'aria-label': 'Message vocal du citoyen' });
            box.replaceChild(player, play);
            status.textContent = '';
            /** @type {HTMLAudioElement} */ (player).play().catch(function () {
              // Autoplay refused: the player's own button starts it.
            });
          },
          function (/** @type {{ status?: number }} */ error) {
            if (error && error.status === 401) return onSignedOut();
            play.removeAttribute('disabled');
            status.textContent =
              error && error.status === 503
                ? 'Le service téléphonique ne répond pas pour le moment : réessayez dans quelques minutes.'
                : error && error.status === 404
                  ? 'Ce message vocal n’est plus disponible.'
                  : 'Le message vocal n’a pas pu être chargé.';
          },
        );
      },
    });
    box.appendChild(play);
    box.appendChild(status);
    return box;
  }

  /**
   * Only the last load asked is drawn. A page loads again when the agent chooses again (another conversation,
   * filter, period, team or démarche) or after each change (two notes in a row), and the answers can come back out
   * of order: an earlier one answering late would be drawn over what the agent has chosen or done since. So each
   * kind of load has its own `var last = G.latestOnly();` and every load of that kind goes through it:
   * `last(G.api(...)).then(draw, fail)`. What `last` returns settles like the promise given only if no later one
   * has gone through `last` since; otherwise it never settles, so neither handler runs, nor anything chained after
   * it. `last.ignorePending()` passes over every load still pending, for a change that loads nothing itself.
   * @returns {GuichetLatestOnly}
   */
  function latestOnly() {
    var asked = 0;
    /** @template T @param {Promise<T>} pending @returns {Promise<T>} */
    function last(pending) {
      var mine = ++asked;
      return new Promise(function (resolve, reject) {
        pending.then(
          function (value) {
            if (mine === asked) resolve(value);
          },
          function (error) {
            if (mine === asked) reject(error);
          },
        );
      });
    }
    last.ignorePending = function () {
      asked += 1;
    };
    return last;
  }

  /**
   * The start of a page for signed-in agents: the session resumed, else an error (401) saying `signInMessage`;
   * then the territory's vocabulary (French labels).
   * @param {string} signInMessage
   * @returns {Promise<GuichetVocabulary>}
   */
  function startPage(signInMessage) {
    return resume().then(function (signedIn) {
      if (!signedIn) throw Object.assign(new Error(signInMessage), { status: 401 });
      return loadVocabulary();
    });
  }

  /**
   * A filter form of a page started with startPage: listened to at once, so that a submit before the page has
   * started is not sent natively (a reload that forgets the choice); `apply` runs once `started` has resolved,
   * after the page's first list. A failed start is already on the page: the submit then does nothing.
   * @param {string} formId
   * @param {Promise<unknown>} started
   * @param {() => void} apply
   */
  function onFilters(formId, started, apply) {
    byId(formId).addEventListener('submit', function (event) {
      event.preventDefault();
      started.then(
        function () {
          byId('page-error').textContent = '';
          apply();
        },
        function () {},
      );
    });
  }

  /**
   * A page-level error in #page-error: its message (`forbidden` instead for a 403, when given), and a link to
   * sign in again after a 401.
   * @param {unknown} e
   * @param {string} [forbidden]
   */
  function pageError(e, forbidden) {
    var error = /** @type {GuichetApiError} */ (e);
    var message = byId('page-error');
    message.textContent = error.status === 403 && forbidden ? forbidden : error.message;
    if (error.status === 401)
      message.appendChild(el('a', { href: '/console', text: ' Aller à la connexion' }));
  }

  window.Guichet = {
    byId: byId,
    input: input,
    select: select,
    textarea: textarea,
    button: button,
    el: el,
    clear: clear,
    announce: announce,
    when: when,
    api: api,
    upload: upload,
    image: image,
    voicePlayer: voicePlayer,
    clientId: clientId,
    resume: resume,
    startPage: startPage,
    onFilters: onFilters,
    pageError: pageError,
    withTenant: withTenant,
    vocabulary: loadVocabulary,
    label: label,
    latestOnly: latestOnly,
  };
})();

// @ts-check
/*
 * Guichet web chat widget. Embed with one line on any page:
 *   <script src="https://guichet.example.fr/channels/webchat/widget.js" data-tenant="demo" defer></script>
 * data-tenant: the territory's web chat key. The API lives next to this file (derived from its src).
 * Optional: data-locale="en" (default "fr").
 *
 * Plain browser JavaScript, no build step, no dependency. Every text coming from the server is inserted
 * with textContent, never parsed as HTML. Nothing is stored before the citizen opens the chat; then only the
 * conversation id, its token, the language and whether the panel is open, in sessionStorage (no cookie).
 */
(function () {
  'use strict';

  /**
   * What the API sends (channels/webchat and bot/messages.ts are the reference).
   * @typedef {{ type: string, text?: string, title?: string, state?: string, url?: string,
   *   choices?: { label: string, value: string }[], fields?: { label: string, value: string }[],
   *   link?: { url: string, label: string } }} Reply
   * @typedef {{ direction: string, text?: string, reply?: Reply, photos?: string[], createdAt?: string }} HistoryRow
   * @typedef {{ name?: string, notice?: string, locale?: string, privacyUrl?: string, accessibilityUrl?: string,
   *   greeting?: Reply, center?: { lat: number, lon: number },
   *   map?: { tileUrl?: string, attribution?: string } }} WidgetConfig
   * @typedef {WebSocket & { closedByWidget?: boolean }} Socket
   * @typedef {{ choiceValue?: string, location?: { lat: number, lon: number } }} SendExtra
   */

  var page = /** @type {Window & { __guichetWidgetLoaded?: boolean }} */ (window);
  if (page.__guichetWidgetLoaded) return;
  page.__guichetWidgetLoaded = true;

  var script = /** @type {HTMLScriptElement | null} */ (
    document.currentScript || document.querySelector('script[src*="widget.js"][data-tenant]')
  );
  if (!script || !script.src) return;
  var BASE = new URL('.', script.src).href;
  var TENANT = script.getAttribute('data-tenant') || '';
  var STORE_KEY = 'guichet-webchat:' + TENANT;

  var TEXT = {
    fr: {
      launcher: 'Une question ? Discutez avec l’assistant',
      panel: 'Discussion avec l’assistant en ligne',
      title: 'Assistant en ligne',
      close: 'Fermer la discussion',
      langButton: 'English',
      langButtonLang: 'en',
      langLabel: 'Switch to English',
      noticeLabel: 'Données personnelles : ',
      hint: 'Posez votre question, par exemple « horaires de la déchetterie » ou « signaler un lampadaire en panne ».',
      log: 'Messages de la conversation',
      scroll: 'Conversation',
      input: 'Votre message',
      send: 'Envoyer',
      botSaid: 'Assistant dit : ',
      youSaid: 'Vous avez dit : ',
      agentSaid: 'Agent dit : ',
      info: 'Information : ',
      typing: 'L’assistant écrit…',
      agentTyping: 'Un agent écrit…',
      sendFailed: 'Votre message n’a pas pu être envoyé. Vérifiez votre connexion puis réessayez.',
      notSent: ' (non envoyé)',
      shareLocation: 'Partager ma position',
      myLocation: 'Ma position',
      locating: 'Recherche de votre position…',
      noGeolocation:
        'Votre navigateur ne permet pas de partager votre position : écrivez l’adresse dans le champ de saisie.',
      locationFailed: 'Position indisponible : écrivez l’adresse dans le champ de saisie.',
      newTab: ' (nouvel onglet)',
      ended: 'Conversation terminée.',
      restart: 'Nouvelle conversation',
      unread: ' – nouveau message',
      privacy: 'Notice complète sur vos données',
      accessibility: 'Accessibilité',
      sentAt: 'à ',
      locateConsent:
        'Votre position n’est envoyée qu’après votre validation, et sert uniquement à situer votre demande.',
      useMyPosition: 'Utiliser ma position',
      placeOnMap: 'Placer sur une carte',
      mapLabel: 'Carte\u00a0: déplacez le repère avec les flèches du clavier, ou cliquez sur le lieu',
      mapHelp: 'Flèches\u00a0: déplacer le repère. Maj + flèches\u00a0: plus loin.',
      mapAddress: 'Lieu choisi\u00a0: ',
      mapLooking: 'Recherche de l’adresse…',
      mapNoAddress: 'adresse inconnue, le lieu sera transmis par ses coordonnées',
      mapConfirm: '. C’est bien ça\u202f?',
      confirmPlace: 'Valider ce lieu',
      cancelPlace: 'Annuler',
      zoomIn: 'Zoom avant',
      zoomOut: 'Zoom arrière',
    },
    en: {
      launcher: 'Questions? Chat with the assistant',
      panel: 'Chat with the online assistant',
      title: 'Online assistant',
      close: 'Close the chat',
      langButton: 'Français',
      langButtonLang: 'fr',
      langLabel: 'Passer en français',
      noticeLabel: 'Personal data: ',
      hint: 'Ask your question, for example “recycling centre opening hours” or “report a broken street light”.',
      log: 'Conversation messages',
      scroll: 'Conversation',
      input: 'Your message',
      send: 'Send',
      botSaid: 'Assistant said: ',
      youSaid: 'You said: ',
      agentSaid: 'Agent said: ',
      info: 'Information: ',
      typing: 'The assistant is typing…',
      agentTyping: 'An agent is typing…',
      sendFailed: 'Your message could not be sent. Check your connection and try again.',
      notSent: ' (not sent)',
      shareLocation: 'Share my location',
      myLocation: 'My location',
      locating: 'Finding your location…',
      noGeolocation: 'Your browser cannot share your location: type the address in the message field.',
      locationFailed: 'Location unavailable: type the address in the message field.',
      newTab: ' (new tab)',
      ended: 'Conversation ended.',
      restart: 'New conversation',
      unread: ' – new message',
      privacy: 'Full privacy notice',
      accessibility: 'Accessibility',
      sentAt: 'at ',
      locateConsent:
        'Your location is only sent once you confirm it, and is only used to locate your request.',
      useMyPosition: 'Use my location',
      placeOnMap: 'Place on a map',
      mapLabel: 'Map: move the pin with the arrow keys, or click the place',
      mapHelp: 'Arrow keys: move the pin. Shift + arrows: further.',
      mapAddress: 'Chosen place: ',
      mapLooking: 'Looking up the address…',
      mapNoAddress: 'unknown address, the place will be sent as coordinates',
      mapConfirm: '. Is that right?',
      confirmPlace: 'Confirm this place',
      cancelPlace: 'Cancel',
      zoomIn: 'Zoom in',
      zoomOut: 'Zoom out',
    },
  };

  // ---- storage (sessionStorage only, written once the chat was opened) ----
  function readStore() {
    try {
      return JSON.parse(window.sessionStorage.getItem(STORE_KEY) || '{}') || {};
    } catch (e) {
      return {};
    }
  }
  function writeStore() {
    if (!state.opened) return;
    try {
      window.sessionStorage.setItem(
        STORE_KEY,
        JSON.stringify({
          conversationId: state.conversationId,
          token: state.token,
          locale: state.locale,
          open: state.open,
        }),
      );
    } catch (e) {
      /* storage disabled: the conversation lasts as long as the page */
    }
  }

  var stored = readStore();
  var attrLocale = script.getAttribute('data-locale');
  /**
   * @type {{ locale: 'fr' | 'en', conversationId: string | null, token: string | null, open: boolean,
   *   opened: boolean, config: WidgetConfig | null, syncedAt: string | null,
   *   live: { key: string, seq: number }[], liveSeq: number, recentFromHistory: string[], pending: number,
   *   agentTyping: boolean, ws: Socket | null, wsAttempts: number, wsFailuresBeforeOpen: number,
   *   wsTimer: number | undefined, wsPingTimer: number | undefined, wsPongTimer: number | undefined,
   *   syncing: Promise<unknown> }}
   */
  var state = {
    locale:
      stored.locale === 'en' || stored.locale === 'fr' ? stored.locale : attrLocale === 'en' ? 'en' : 'fr',
    conversationId: typeof stored.conversationId === 'string' ? stored.conversationId : null,
    token: typeof stored.token === 'string' ? stored.token : null,
    open: false,
    opened: false,
    config: null,
    /** createdAt of the last transcript row read from the history. */
    syncedAt: null,
    /** Rows shown live (answer to a POST, push) that a later history read will list again. */
    live: [],
    liveSeq: 0,
    /** Replies shown by the last history read that a late push may repeat. */
    recentFromHistory: [],
    pending: 0,
    agentTyping: false,
    ws: null,
    wsAttempts: 0,
    wsFailuresBeforeOpen: 0,
    wsTimer: undefined,
    wsPingTimer: undefined,
    wsPongTimer: undefined,
    syncing: Promise.resolve(),
  };
  /** @param {keyof typeof TEXT.fr} key */
  var t = function (key) {
    return TEXT[state.locale][key];
  };

  // ---- DOM helpers (text only) ----
  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, unknown> | null} [attrs] `text`, `className`, or attributes
   * @param {Array<Node | string | null | undefined>} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      var given = attrs;
      Object.keys(given).forEach(function (name) {
        var value = given[name];
        if (value === null || value === undefined || value === false) return;
        if (name === 'text') node.textContent = /** @type {string} */ (value);
        else if (name === 'className') node.className = /** @type {string} */ (value);
        else node.setAttribute(name, value === true ? '' : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  /** @param {string} text */
  var srOnly = function (text) {
    return el('span', { className: 'guichet-sr', text: text });
  };

  // ---- the widget's markup ----
  var link = el('link', { rel: 'stylesheet', href: BASE + 'widget.css' });
  document.head.appendChild(link);

  var launcherText = el('span', { className: 'guichet-launcher-text' });
  var launcherUnread = srOnly('');
  var launcher = el(
    'button',
    {
      type: 'button',
      className: 'guichet-launcher',
      'aria-expanded': 'false',
      'aria-controls': 'guichet-panel',
    },
    [el('span', { className: 'guichet-launcher-icon', 'aria-hidden': 'true' }), launcherText, launcherUnread],
  );
  var title = el('h2', { className: 'guichet-title', id: 'guichet-title' });
  var subtitle = el('p', { className: 'guichet-subtitle' });
  var langButton = el('button', { type: 'button', className: 'guichet-lang' });
  var closeButton = el('button', { type: 'button', className: 'guichet-close' }, [
    el('span', { 'aria-hidden': 'true', text: '×' }),
  ]);
  var noticeLabel = el('strong');
  var noticeText = el('span');
  var notice = el('p', { className: 'guichet-notice' }, [noticeLabel, noticeText]);
  var links = el('p', { className: 'guichet-links' });
  var restartButton = el('button', { type: 'button', className: 'guichet-restart' });
  var hint = el('p', { className: 'guichet-hint' });
  var log = el('ol', { className: 'guichet-log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  var scroller = el('div', { className: 'guichet-scroll', role: 'group', tabindex: '0' }, [
    notice,
    links,
    hint,
    log,
  ]);
  var typing = el('p', { className: 'guichet-typing', role: 'status' });
  var inputLabel = el('label', { className: 'guichet-label', for: 'guichet-input' });
  var input = el('input', {
    id: 'guichet-input',
    className: 'guichet-input',
    type: 'text',
    autocomplete: 'off',
    maxlength: '2000',
  });
  var sendButton = el('button', { type: 'submit', className: 'guichet-send' });
  var form = el('form', { className: 'guichet-form', novalidate: true }, [
    el('div', { className: 'guichet-form-top' }, [inputLabel, restartButton]),
    el('div', { className: 'guichet-row' }, [input, sendButton]),
  ]);
  var panel = el('div', { id: 'guichet-panel', className: 'guichet-panel', role: 'region', hidden: true }, [
    el('div', { className: 'guichet-header' }, [
      el('div', { className: 'guichet-heading' }, [title, subtitle]),
      langButton,
      closeButton,
    ]),
    scroller,
    typing,
    form,
  ]);
  var root = el('div', { className: 'guichet-root', lang: state.locale }, [launcher, panel]);

  function applyTexts() {
    root.setAttribute('lang', state.locale);
    launcherText.textContent = t('launcher');
    panel.setAttribute('aria-label', t('panel'));
    title.textContent = t('title');
    langButton.textContent = t('langButton');
    langButton.setAttribute('lang', t('langButtonLang'));
    langButton.setAttribute('aria-label', t('langLabel'));
    closeButton.setAttribute('aria-label', t('close'));
    noticeLabel.textContent = t('noticeLabel');
    hint.textContent = t('hint');
    log.setAttribute('aria-label', t('log'));
    scroller.setAttribute('aria-label', t('scroll'));
    inputLabel.textContent = t('input');
    sendButton.textContent = t('send');
    restartButton.textContent = t('restart');
    renderLinks();
    renderTyping();
  }

  /** The full privacy notice and the accessibility statement, named in the citizen's language. */
  function renderLinks() {
    links.textContent = '';
    var config = state.config;
    if (!config) return;
    [
      [config.privacyUrl, t('privacy')],
      [config.accessibilityUrl, t('accessibility')],
    ].forEach(function (pair) {
      var href = pair[0] ? safeUrl(new URL(pair[0], BASE).href) : null;
      if (!href) return;
      if (links.firstChild) links.appendChild(document.createTextNode(' · '));
      links.appendChild(
        el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }, [pair[1], srOnly(t('newTab'))]),
      );
    });
  }

  // ---- API ----
  /** @param {string} path */
  function api(path) {
    var url = new URL(path, BASE);
    url.searchParams.set('tenant', TENANT);
    return url.href;
  }

  function loadConfig() {
    if (state.config && state.config.locale === state.locale) return Promise.resolve(state.config);
    var url = new URL(api('config'));
    url.searchParams.set('locale', state.locale);
    var locale = state.locale;
    return fetch(url.href, { headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (config) {
        if (config) {
          state.config = Object.assign({}, config, { locale: locale });
          subtitle.textContent = config.name || '';
          noticeText.textContent = config.notice || '';
          renderLinks();
        }
        return config;
      })
      .catch(function () {
        return null;
      });
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    return 'm' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function resetConversation() {
    closeSocket();
    state.conversationId = null;
    state.token = null;
    state.syncedAt = null;
    state.live = [];
    state.recentFromHistory = [];
    writeStore();
  }

  /**
   * Sends the citizen's message; renders the replies.
   * @param {string} text
   * @param {SendExtra} [extra]
   */
  function send(text, extra) {
    text = (text || '').trim();
    if (!text) return;
    extra = extra || {};
    if (picker) picker.close();
    disableChoices();
    var bubble = appendUser(text);
    /** @type {{ text: string, tenant: string, locale: string, clientMessageId: string } & SendExtra} */
    var body = {
      text: text.slice(0, 2000),
      tenant: TENANT,
      locale: state.locale,
      clientMessageId: newId(),
    };
    if (extra.choiceValue) body.choiceValue = extra.choiceValue;
    if (extra.location) body.location = extra.location;
    state.pending += 1;
    renderTyping();
    return post(body, true)
      .then(function (result) {
        if (!result.ok) throw new Error('send failed');
        state.recentFromHistory = [];
        // The engine wrote the message and each reply to the transcript (not so for a 503 answer).
        if (result.persisted) {
          markLive(rowKey('in', body.text));
          result.messages.forEach(function (reply) {
            markLive(rowKey('out', reply));
          });
        }
        result.messages.forEach(function (reply) {
          appendReply(reply);
        });
      })
      .catch(function () {
        bubble.classList.add('guichet-msg--failed');
        bubble.appendChild(srOnly(t('notSent')));
        appendError(t('sendFailed'));
      })
      .then(function () {
        state.pending -= 1;
        renderTyping();
      });
  }

  /**
   * @param {Record<string, unknown>} body
   * @param {boolean} retryAsNew
   * @returns {Promise<{ ok: boolean, persisted?: boolean, messages: Reply[] }>}
   */
  function post(body, retryAsNew) {
    /** @type {Record<string, unknown>} */
    var payload = Object.assign({}, body);
    if (state.conversationId) {
      payload.conversationId = state.conversationId;
      payload.token = state.token;
    }
    return fetch(api('messages'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (res.status === 404 && state.conversationId && retryAsNew) {
            // The conversation expired (or its token is no longer valid): start a new one.
            resetConversation();
            return post(body, false);
          }
          var messages = Array.isArray(data.messages) ? data.messages : [];
          if (res.ok && data.conversationId && data.token) {
            var isNew = data.conversationId !== state.conversationId;
            state.conversationId = data.conversationId;
            state.token = data.token;
            writeStore();
            if (isNew) connect();
          }
          // A 503 still carries a helpful answer (the counter's phone number).
          return { ok: res.ok || messages.length > 0, persisted: res.ok, messages: messages };
        });
    });
  }

  /** The same row, whether it came live or from the history: its direction and its content, keys sorted. */
  /** @param {unknown} value @returns {string} */
  function canonical(value) {
    if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
    if (value && typeof value === 'object') {
      var object = /** @type {Record<string, unknown>} */ (value);
      return (
        '{' +
        Object.keys(object)
          .sort()
          .filter(function (k) {
            return object[k] !== undefined;
          })
          .map(function (k) {
            return JSON.stringify(k) + ':' + canonical(object[k]);
          })
          .join(',') +
        '}'
      );
    }
    return JSON.stringify(value);
  }
  /** @param {string} direction @param {unknown} content */
  function rowKey(direction, content) {
    return direction === 'in' ? 'in:' + String(content).trim().normalize('NFC') : 'out:' + canonical(content);
  }
  /** @param {string} key */
  function markLive(key) {
    state.liveSeq += 1;
    state.live.push({ key: key, seq: state.liveSeq });
  }

  /**
   * Reads the transcript and shows the rows not shown yet (reload, reconnect after sleep, another tab).
   * Rows after the last one read are new, except those already shown live (matched by content, in order).
   */
  function syncHistory() {
    state.syncing = state.syncing.then(function () {
      if (!state.conversationId) return;
      var startedSeq = state.liveSeq;
      var url = new URL('conversations/' + encodeURIComponent(state.conversationId) + '/history', BASE);
      url.searchParams.set('tenant', TENANT);
      url.searchParams.set('locale', state.locale);
      return fetch(url.href, {
        headers: { Accept: 'application/json', 'X-Conversation-Token': state.token || '' },
      })
        .then(function (res) {
          if (res.status === 404) {
            resetConversation();
            return null;
          }
          return res.ok ? res.json() : null;
        })
        .then(function (data) {
          if (!data || !Array.isArray(data.messages)) return;
          /** @type {HistoryRow[]} */
          var rows = data.messages.filter(
            /** @param {HistoryRow} row */ function (row) {
              return !state.syncedAt || (row.createdAt && row.createdAt > state.syncedAt);
            },
          );
          /** @type {string[]} */
          var recent = [];
          rows.forEach(function (row) {
            var key = row.direction === 'in' ? rowKey('in', row.text || '') : rowKey('out', row.reply);
            var shown = state.live.findIndex(function (l) {
              return l.key === key;
            });
            if (shown >= 0) {
              state.live.splice(shown, 1);
              return;
            }
            if (row.direction === 'in') appendUser(row.text || '', row.createdAt, row.photos);
            else if (row.reply) {
              appendReply(row.reply, row.createdAt);
              recent.push(key);
            }
          });
          var last = data.messages[data.messages.length - 1];
          if (last && last.createdAt) state.syncedAt = last.createdAt;
          // What was shown live before this read and is not in the transcript never will be (a push not stored).
          state.live = state.live.filter(function (l) {
            return l.seq > startedSeq;
          });
          state.recentFromHistory = state.recentFromHistory.concat(recent).slice(-20);
          enableLastChoices();
        })
        .catch(function () {
          /* offline: the next reconnect reads it again */
        });
    });
    return state.syncing;
  }

  // ---- WebSocket: pushes, reconnect with backoff ----
  function connect() {
    if (!state.conversationId || state.ws || !state.opened || !('WebSocket' in window)) return;
    clearTimeout(state.wsTimer);
    var url = new URL('ws', BASE);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('conversationId', state.conversationId);
    url.searchParams.set('token', state.token || '');
    url.searchParams.set('tenant', TENANT);
    url.searchParams.set('locale', state.locale);
    /** @type {Socket} */
    var ws;
    try {
      ws = new WebSocket(url.href);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    var opened = false;
    state.ws = ws;
    ws.onopen = function () {
      opened = true;
      state.wsAttempts = 0;
      state.wsFailuresBeforeOpen = 0;
      clearInterval(state.wsPingTimer);
      state.wsPingTimer = setInterval(pingSocket, 45000);
    };
    ws.onmessage = function (event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (frame.type === 'ready')
        syncHistory(); // subscribed: whatever came before is in the history
      else if (frame.type === 'pong') clearTimeout(state.wsPongTimer);
      else if (frame.type === 'replies' && Array.isArray(frame.replies)) onPush(frame.replies);
      else if (frame.type === 'typing') {
        state.agentTyping = Boolean(frame.on);
        renderTyping();
      }
    };
    ws.onclose = function (event) {
      if (state.ws === ws) state.ws = null;
      clearInterval(state.wsPingTimer);
      clearTimeout(state.wsPongTimer);
      if (ws.closedByWidget) return;
      if (!opened) state.wsFailuresBeforeOpen += 1;
      // Refused several times before opening: maybe the conversation is gone; the history read tells.
      if (state.wsFailuresBeforeOpen >= 3) {
        state.wsFailuresBeforeOpen = 0;
        syncHistory();
      }
      scheduleReconnect(event.code === 1008 ? 30000 : 0);
    };
  }

  /** @param {number} [minDelay] */
  function scheduleReconnect(minDelay) {
    if (!state.conversationId) return;
    clearTimeout(state.wsTimer);
    var delay = Math.min(30000, 1000 * Math.pow(2, state.wsAttempts));
    delay = Math.max(minDelay || 0, delay / 2 + Math.random() * (delay / 2));
    state.wsAttempts += 1;
    state.wsTimer = setTimeout(connect, delay);
  }

  function closeSocket() {
    clearTimeout(state.wsTimer);
    clearInterval(state.wsPingTimer);
    clearTimeout(state.wsPongTimer);
    if (state.ws) {
      state.ws.closedByWidget = true;
      state.ws.close(1000);
      state.ws = null;
    }
  }

  /** A socket may be dead after the computer slept: ask, and start over when no answer comes. */
  function pingSocket() {
    var ws = state.ws;
    if (!ws || ws.readyState !== 1) return;
    ws.send(JSON.stringify({ type: 'ping' }));
    clearTimeout(state.wsPongTimer);
    state.wsPongTimer = setTimeout(function () {
      if (!ws || state.ws !== ws) return;
      ws.closedByWidget = true;
      ws.close();
      state.ws = null;
      state.wsAttempts = 0;
      connect();
    }, 5000);
  }

  function wakeUp() {
    if (!state.conversationId || !state.opened) return;
    if (state.ws) pingSocket();
    else {
      state.wsAttempts = 0;
      connect();
    }
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') wakeUp();
  });
  window.addEventListener('online', wakeUp);

  /** @param {Reply[]} replies */
  function onPush(replies) {
    replies.forEach(function (reply) {
      // Already shown by a history read that raced with this push.
      var key = rowKey('out', reply);
      var index = state.recentFromHistory.indexOf(key);
      if (index >= 0) {
        state.recentFromHistory.splice(index, 1);
        return;
      }
      markLive(key);
      appendReply(reply);
    });
    if (!state.open) {
      launcher.classList.add('guichet-launcher--unread');
      launcherUnread.textContent = t('unread');
    }
  }

  // ---- rendering ----
  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  var clock = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
  });
  /**
   * When a message was written, as the citizen's clock in France shows it ("14:05").
   * @param {string | undefined} when ISO date (history) or nothing (now)
   */
  function timeNode(when) {
    var date = when ? new Date(when) : new Date();
    if (isNaN(date.getTime())) date = new Date();
    return el('time', { className: 'guichet-time', datetime: date.toISOString() }, [
      srOnly(' ' + t('sentAt')),
      clock.format(date),
    ]);
  }

  /**
   * @param {string} kind @param {string} prefix @param {HTMLElement} content
   * @param {string | null} [when] when it was written (none: now; null: no time, e.g. the greeting)
   */
  function appendItem(kind, prefix, content, when) {
    if (when !== null) content.appendChild(timeNode(when));
    var item = el('li', { className: 'guichet-msg guichet-msg--' + kind }, [srOnly(prefix), content]);
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  /** @param {string} text @param {string} [when] @param {string[]} [photos] photos sent with it (history) */
  function appendUser(text, when, photos) {
    var bubble = el('div', { className: 'guichet-bubble' }, text ? [paragraph(text)] : []);
    (photos || []).forEach(function (id) {
      bubble.appendChild(historyPhoto(id));
    });
    return appendItem('user', t('youSaid'), bubble, when);
  }

  /**
   * A photo the citizen sent, read again after a reload: fetched with the conversation's token (an <img src>
   * cannot send it), shown from a data: URL; "Photo envoyée" in its place when it cannot be read.
   * @param {string} id
   */
  function historyPhoto(id) {
    var box = el('p', { className: 'guichet-text', text: photoText('sent') });
    var url = new URL(
      'conversations/' + encodeURIComponent(state.conversationId || '') + '/photos/' + encodeURIComponent(id),
      BASE,
    );
    url.searchParams.set('tenant', TENANT);
    fetch(url.href, { headers: { 'X-Conversation-Token': state.token || '' } })
      .then(function (res) {
        if (!res.ok) throw new Error('photo ' + res.status);
        return res.blob();
      })
      .then(function (blob) {
        // A data: URL, as for a photo just sent: host pages' CSPs allow it more often than blob:.
        var reader = new FileReader();
        reader.onload = function () {
          if (typeof reader.result !== 'string') return;
          var img = el('img', { className: 'guichet-photo', alt: photoText('sent'), src: reader.result });
          box.replaceWith(img);
          img.addEventListener('load', scrollToEnd);
        };
        reader.readAsDataURL(blob);
      })
      .catch(function () {
        // The text "Photo envoyée" stays.
      });
    return box;
  }

  /** @param {string} text */
  function appendError(text) {
    appendItem('error', t('info'), el('div', { className: 'guichet-bubble' }, [paragraph(text)]));
  }

  /** @param {string | undefined} text @param {string} [className] */
  function paragraph(text, className) {
    return el('p', { className: className || 'guichet-text', text: text });
  }

  /**
   * Only http(s), mailto and tel links become links; anything else stays text.
   * @param {string | undefined} url
   */
  function safeUrl(url) {
    try {
      var parsed = new URL(String(url), window.location.href);
      return ['http:', 'https:', 'mailto:', 'tel:'].indexOf(parsed.protocol) >= 0 ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  /** @param {string | undefined} url @param {string | undefined} label */
  function linkNode(url, label) {
    var href = safeUrl(url);
    if (!href) return paragraph(label === url ? url : label + ' ' + url);
    var external = /^https?:/.test(href);
    return el('p', { className: 'guichet-link' }, [
      el(
        'a',
        { href: href, target: external ? '_blank' : null, rel: external ? 'noopener noreferrer' : null },
        [label, external ? srOnly(t('newTab')) : null],
      ),
    ]);
  }

  /** @param {Reply} reply */
  function isNotice(reply) {
    // The panel already shows the data notice above the conversation.
    return reply.type === 'text' && state.config && reply.text === state.config.notice;
  }

  /** @param {Reply | null | undefined} reply @param {string | null} [when] */
  function appendReply(reply, when) {
    if (!reply || typeof reply.type !== 'string' || isNotice(reply)) return;
    var bubble = el('div', { className: 'guichet-bubble' });
    var kind = 'bot';
    var prefix = t('botSaid');
    switch (reply.type) {
      case 'text':
        bubble.appendChild(paragraph(reply.text));
        break;
      case 'choices': {
        bubble.appendChild(paragraph(reply.text));
        var list = el('ul', { className: 'guichet-choices' });
        (reply.choices || []).forEach(function (choice) {
          var button = el('button', { type: 'button', className: 'guichet-choice', text: choice.label });
          button.addEventListener('click', function () {
            send(choice.label, { choiceValue: choice.value });
            input.focus();
          });
          list.appendChild(el('li', null, [button]));
        });
        bubble.appendChild(list);
        break;
      }
      case 'card': {
        bubble.classList.add('guichet-card');
        bubble.appendChild(paragraph(reply.title, 'guichet-card-title'));
        if (reply.text) bubble.appendChild(paragraph(reply.text));
        if (reply.fields && reply.fields.length) {
          var dl = el('dl', { className: 'guichet-fields' });
          reply.fields.forEach(function (field) {
            dl.appendChild(
              el('div', null, [el('dt', { text: field.label }), el('dd', { text: field.value })]),
            );
          });
          bubble.appendChild(dl);
        }
        if (reply.link) bubble.appendChild(linkNode(reply.link.url, reply.link.label));
        break;
      }
      case 'link':
        bubble.appendChild(paragraph(reply.text));
        bubble.appendChild(linkNode(reply.url, reply.url));
        break;
      case 'location_request': {
        bubble.appendChild(paragraph(reply.text));
        bubble.appendChild(locationChooser());
        break;
      }
      case 'handover':
        if (reply.state === 'agent_message') {
          kind = 'agent';
          prefix = t('agentSaid');
        } else {
          kind = 'status';
          prefix = t('info');
        }
        bubble.appendChild(paragraph(reply.text));
        break;
      case 'end': {
        kind = 'status';
        prefix = t('info');
        if (reply.text) bubble.appendChild(paragraph(reply.text));
        bubble.appendChild(paragraph(t('ended'), 'guichet-text guichet-ended'));
        var restart = el('button', { type: 'button', className: 'guichet-choice', text: t('restart') });
        restart.addEventListener('click', startNewConversation);
        bubble.appendChild(restart);
        break;
      }
      default:
        if (reply.text) bubble.appendChild(paragraph(String(reply.text)));
        else return;
    }
    return appendItem(kind, prefix, bubble, when);
  }

  // ---- location: the browser's position (after a click) or a pin placed on a small map ----
  /** What a location request offers: nothing leaves the browser before the citizen confirms a place. */
  function locationChooser() {
    var box = el('div', { className: 'guichet-locator' });
    var useMine = el('button', {
      type: 'button',
      className: 'guichet-choice guichet-locate',
      text: t('useMyPosition'),
    });
    var onMap = el('button', {
      type: 'button',
      className: 'guichet-choice guichet-locate',
      text: t('placeOnMap'),
    });
    box.appendChild(paragraph(t('locateConsent'), 'guichet-text guichet-consent'));
    box.appendChild(el('div', { className: 'guichet-locate-actions' }, [useMine, onMap]));
    useMine.addEventListener('click', function () {
      if (!navigator.geolocation) {
        appendError(t('noGeolocation'));
        input.focus();
        return;
      }
      useMine.disabled = true;
      useMine.textContent = t('locating');
      navigator.geolocation.getCurrentPosition(
        function (position) {
          useMine.disabled = false;
          useMine.textContent = t('useMyPosition');
          openPlacePicker(box, { lat: position.coords.latitude, lon: position.coords.longitude }, 17);
        },
        function () {
          useMine.disabled = false;
          useMine.textContent = t('useMyPosition');
          appendError(t('locationFailed'));
          input.focus();
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
    onMap.addEventListener('click', function () {
      var center = state.config && state.config.center;
      openPlacePicker(box, center || { lat: 46.6, lon: 2.4 }, center ? 14 : 5);
    });
    return box;
  }

  /** @type {Promise<any> | null} */
  var leafletLoading = null;
  /** Leaflet, served next to the widget; null when it cannot load (the picker then works without a map). */
  function loadLeaflet() {
    var page = /** @type {Window & { L?: any }} */ (window);
    if (page.L) return Promise.resolve(page.L);
    if (leafletLoading) return leafletLoading;
    leafletLoading = new Promise(function (resolve) {
      document.head.appendChild(el('link', { rel: 'stylesheet', href: BASE + 'vendor/leaflet/leaflet.css' }));
      var tag = el('script', { src: BASE + 'vendor/leaflet/leaflet.js' });
      tag.addEventListener('load', function () {
        resolve(page.L || null);
      });
      tag.addEventListener('error', function () {
        leafletLoading = null;
        resolve(null);
      });
      document.head.appendChild(tag);
    });
    return leafletLoading;
  }

  /** One picker at a time: a new one replaces the previous. */
  /** @type {{ close: () => void } | null} */
  var picker = null;

  /**
   * A small map with a pin: arrow keys or a click move it, the address under it is looked up, and
   * "Valider ce lieu" sends it. Tiles are optional: the pin, its coordinates and its address are enough.
   * @param {HTMLElement} host @param {{ lat: number, lon: number }} start @param {number} zoom
   */
  function openPlacePicker(host, start, zoom) {
    if (picker) picker.close();
    var point = { lat: start.lat, lon: start.lon };
    var help = el('p', { className: 'guichet-map-help', id: 'guichet-map-help', text: t('mapHelp') });
    var mapBox = el('div', {
      className: 'guichet-map',
      role: 'application',
      tabindex: '0',
      'aria-label': t('mapLabel'),
      'aria-describedby': 'guichet-map-help',
    });
    var place = el('p', { className: 'guichet-place', role: 'status' });
    var confirm = el('button', { type: 'button', className: 'guichet-choice guichet-confirm-place' }, [
      t('confirmPlace'),
    ]);
    var cancel = el('button', { type: 'button', className: 'guichet-choice', text: t('cancelPlace') });
    var section = el('div', { className: 'guichet-picker' }, [
      mapBox,
      help,
      place,
      el('div', { className: 'guichet-locate-actions' }, [confirm, cancel]),
    ]);
    host.appendChild(section);
    /** @type {any} */
    var map = null;
    /** @type {any} */
    var marker = null;
    var label = '';
    var lookup = 0;
    /** @type {number | undefined} */
    var timer;

    function describe() {
      var coords = point.lat.toFixed(5) + ', ' + point.lon.toFixed(5);
      place.textContent = '';
      place.appendChild(el('strong', { text: t('mapAddress') }));
      place.appendChild(
        document.createTextNode(
          lookup > 0 && timer !== undefined
            ? t('mapLooking')
            : (label || t('mapNoAddress')) + ' (' + coords + ')' + (label ? t('mapConfirm') : ''),
        ),
      );
    }

    /** The address under the pin, asked once the pin stops moving. */
    function lookUp() {
      clearTimeout(timer);
      var mine = ++lookup;
      label = '';
      timer = setTimeout(function () {
        var url = new URL(api('reverse'));
        url.searchParams.set('lat', String(point.lat));
        url.searchParams.set('lon', String(point.lon));
        fetch(url.href, { headers: { Accept: 'application/json' } })
          .then(function (res) {
            return res.ok ? res.json() : null;
          })
          .catch(function () {
            return null;
          })
          .then(function (data) {
            if (mine !== lookup) return;
            timer = undefined;
            label = data && typeof data.label === 'string' ? data.label : '';
            describe();
          });
      }, 400);
      describe();
    }

    /** @param {{ lat: number, lon: number }} next @param {boolean} [fromMap] */
    function moveTo(next, fromMap) {
      point = {
        lat: Math.max(-90, Math.min(90, next.lat)),
        lon: Math.max(-180, Math.min(180, next.lon)),
      };
      if (marker && !fromMap) marker.setLatLng([point.lat, point.lon]);
      if (map && !fromMap) map.panTo([point.lat, point.lon]);
      lookUp();
    }

    mapBox.addEventListener('keydown', function (event) {
      var keys = /** @type {Record<string, number[]>} */ ({
        ArrowUp: [1, 0],
        ArrowDown: [-1, 0],
        ArrowLeft: [0, -1],
        ArrowRight: [0, 1],
      });
      var move = keys[event.key];
      if (!move) return;
      event.preventDefault();
      // About 10 m a step (100 m with Shift), whatever the latitude.
      var step =
        (event.shiftKey ? 0.001 : 0.0001) * Math.max(1, Math.pow(2, 17 - (map ? map.getZoom() : 17)));
      var lonStep = step / Math.max(0.2, Math.cos((point.lat * Math.PI) / 180));
      moveTo({ lat: point.lat + move[0] * step, lon: point.lon + move[1] * lonStep });
    });

    confirm.addEventListener('click', function () {
      var chosen = { lat: Number(point.lat.toFixed(6)), lon: Number(point.lon.toFixed(6)) };
      var text = label || t('myLocation');
      close();
      send(text, { location: chosen });
      input.focus();
    });
    cancel.addEventListener('click', function () {
      close();
      input.focus();
    });

    function close() {
      clearTimeout(timer);
      lookup += 1;
      if (map) map.remove();
      if (section.parentNode) section.parentNode.removeChild(section);
      picker = null;
    }
    picker = { close: close };

    lookUp();
    // The whole picker in view (map, address, buttons), the focus on the map for the arrow keys.
    mapBox.focus({ preventScroll: true });
    // (Scrolled by hand: scrollIntoView would also scroll the host page.)
    var below = section.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom;
    if (below > 0) scroller.scrollTop += below;
    loadLeaflet().then(function (L) {
      if (!L || !section.parentNode) return;
      map = L.map(mapBox, { keyboard: false, zoomControl: false, attributionControl: false });
      L.control
        .zoom({ zoomInTitle: TEXT[state.locale].zoomIn, zoomOutTitle: TEXT[state.locale].zoomOut })
        .addTo(map);
      var tiles = state.config && state.config.map;
      if (tiles && tiles.tileUrl) {
        L.control.attribution({ prefix: false }).addTo(map);
        L.tileLayer(tiles.tileUrl, { maxZoom: 19, attribution: tiles.attribution || '' }).addTo(map);
      }
      map.setView([point.lat, point.lon], zoom);
      marker = L.marker([point.lat, point.lon], {
        draggable: true,
        keyboard: false,
        icon: L.divIcon({ className: 'guichet-pin', iconSize: [24, 24], iconAnchor: [12, 24] }),
      }).addTo(map);
      marker.on('dragend', function () {
        var at = marker.getLatLng();
        moveTo({ lat: at.lat, lon: at.lng }, true);
      });
      map.on('click', function (/** @type {any} */ event) {
        marker.setLatLng(event.latlng);
        moveTo({ lat: event.latlng.lat, lon: event.latlng.lng }, true);
      });
    });
  }

  // ---- greeting and new conversation ----
  /** Tells the server the citizen left the conversation (closed, out of the agents' queue); best effort. */
  function endConversation() {
    if (!state.conversationId) return;
    var url = new URL('conversations/' + encodeURIComponent(state.conversationId) + '/end', BASE);
    url.searchParams.set('tenant', TENANT);
    fetch(url.href, {
      method: 'POST',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        token: state.token,
        tenant: TENANT,
        locale: state.locale,
        clientMessageId: newId(),
      }),
    }).catch(function () {
      /* offline: the conversation simply expires */
    });
  }

  /**
   * At the top of the conversation: the greeting and the services as buttons (what "bonjour" answers), in the
   * panel's language. Not a message of the transcript: no time, and shown again above a restored history.
   */
  function showGreeting() {
    var greeting = state.config && state.config.greeting;
    var shown = log.querySelector('.guichet-msg--greeting');
    if (shown) log.removeChild(shown);
    if (!greeting) return;
    var item = appendReply(greeting, null);
    if (!item) return;
    item.classList.add('guichet-msg--greeting');
    log.insertBefore(item, log.firstChild);
    if (item !== log.lastElementChild) enableLastChoices();
    // Alone, it is read from the top: the notice and the links above it stay in view.
    else scroller.scrollTop = 0;
  }

  /** The current conversation is left (its socket closed, its id forgotten); the next message starts another. */
  function startNewConversation() {
    endConversation();
    resetConversation();
    log.textContent = '';
    showGreeting();
    input.focus();
  }
  restartButton.addEventListener('click', startNewConversation);

  /** Choices of earlier messages no longer apply once the conversation moved on. */
  function disableChoices() {
    Array.prototype.forEach.call(
      log.querySelectorAll('.guichet-choices button, .guichet-locate'),
      function (b) {
        b.disabled = true;
      },
    );
  }

  function enableLastChoices() {
    disableChoices();
    var last = log.lastElementChild;
    if (!last || !last.classList.contains('guichet-msg--bot')) return;
    Array.prototype.forEach.call(
      last.querySelectorAll('.guichet-choices button, .guichet-locate'),
      function (b) {
        b.disabled = false;
      },
    );
  }

  function renderTyping() {
    var text = state.pending > 0 ? t('typing') : state.agentTyping ? t('agentTyping') : '';
    typing.textContent = '';
    if (text)
      typing.appendChild(
        el('span', { className: 'guichet-dots', 'aria-hidden': 'true' }, [
          el('span'),
          el('span'),
          el('span'),
        ]),
      );
    if (text) typing.appendChild(document.createTextNode(text));
    typing.classList.toggle('guichet-typing--on', Boolean(text));
  }

  // ---- open / close / keyboard ----
  /** @param {boolean} moveFocus */
  function openPanel(moveFocus) {
    state.open = true;
    state.opened = true;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.classList.remove('guichet-launcher--unread');
    launcherUnread.textContent = '';
    writeStore();
    if (moveFocus) input.focus();
    loadConfig().then(function () {
      if (!log.querySelector('.guichet-msg--greeting')) showGreeting();
      if (state.conversationId) {
        syncHistory();
        connect();
      }
    });
  }

  function closePanel() {
    state.open = false;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    writeStore();
    launcher.focus();
  }

  launcher.addEventListener('click', function () {
    openPanel(true);
  });
  closeButton.addEventListener('click', closePanel);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' || event.key === 'Esc') {
      event.preventDefault();
      closePanel();
    }
  });
  langButton.addEventListener('click', function () {
    state.locale = state.locale === 'fr' ? 'en' : 'fr';
    applyTexts();
    writeStore();
    loadConfig().then(showGreeting);
    langButton.focus();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) {
      input.focus();
      return;
    }
    input.value = '';
    send(text);
  });

  // ---- photos: the attach button (POST media, then a message carrying it) ----
  // Kept in one block with its own texts: the server strips the photo's metadata; the position it held comes
  // back to the widget only, and is used as the place only if the citizen says yes.
  var PHOTO_TEXT = {
    fr: {
      attach: 'Joindre une photo',
      sent: 'Photo envoyée',
      needConversation: 'Écrivez d’abord votre message, puis joignez la photo.',
      failed: 'La photo n’a pas pu être envoyée. Réessayez.',
      usePosition: 'Utiliser la position de la photo comme lieu ?',
      yes: 'Oui, utiliser cette position',
      no: 'Non',
    },
    en: {
      attach: 'Attach a photo',
      sent: 'Photo sent',
      needConversation: 'Write your message first, then attach the photo.',
      failed: 'The photo could not be sent. Try again.',
      usePosition: 'Use the photo’s location as the place?',
      yes: 'Yes, use this location',
      no: 'No',
    },
  };
  /** @param {'attach' | 'sent' | 'needConversation' | 'failed' | 'usePosition' | 'yes' | 'no'} key */
  var photoText = function (key) {
    return (state.locale === 'en' ? PHOTO_TEXT.en : PHOTO_TEXT.fr)[key];
  };
  var photoInput = el('input', {
    type: 'file',
    accept: 'image/jpeg,image/png,image/webp',
    hidden: true,
  });
  // A camera drawn in SVG (an emoji depends on the fonts the citizen's device has).
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var cameraIcon = document.createElementNS(SVG_NS, 'svg');
  cameraIcon.setAttribute('viewBox', '0 0 24 24');
  cameraIcon.setAttribute('width', '1.4em');
  cameraIcon.setAttribute('height', '1.4em');
  cameraIcon.setAttribute('aria-hidden', 'true');
  cameraIcon.setAttribute('focusable', 'false');
  [
    'M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z',
    'M12 10a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z',
  ].forEach(function (d) {
    var shape = document.createElementNS(SVG_NS, 'path');
    shape.setAttribute('d', d);
    shape.setAttribute('fill', 'none');
    shape.setAttribute('stroke', 'currentColor');
    shape.setAttribute('stroke-width', '2');
    shape.setAttribute('stroke-linejoin', 'round');
    cameraIcon.appendChild(shape);
  });
  var attachButton = el('button', { type: 'button', className: 'guichet-attach' }, [cameraIcon]);
  function photoLabels() {
    attachButton.setAttribute('aria-label', photoText('attach'));
    attachButton.title = photoText('attach');
  }
  if (sendButton.parentNode) sendButton.parentNode.insertBefore(attachButton, sendButton);
  form.appendChild(photoInput);
  photoLabels();
  langButton.addEventListener('click', photoLabels);
  attachButton.addEventListener('click', function () {
    if (!state.conversationId) {
      appendError(photoText('needConversation'));
      input.focus();
      return;
    }
    photoInput.click();
  });
  photoInput.addEventListener('change', function () {
    var file = photoInput.files && photoInput.files[0];
    photoInput.value = '';
    if (file) uploadPhoto(file);
  });

  /** @param {File} file */
  function uploadPhoto(file) {
    var img = el('img', { className: 'guichet-photo', alt: photoText('sent') });
    var bubble = appendItem('user', t('youSaid'), el('p', { className: 'guichet-bubble' }, [img]));
    // A file the browser cannot show either: its name instead of a broken image.
    img.addEventListener('error', function () {
      if (img.parentNode) img.parentNode.replaceChild(document.createTextNode(file.name), img);
    });
    var reader = new FileReader();
    reader.onload = function () {
      if (typeof reader.result === 'string') img.src = reader.result;
      scrollToEnd();
    };
    reader.readAsDataURL(file);
    var url = new URL('media', BASE);
    url.searchParams.set('tenant', TENANT);
    url.searchParams.set('conversationId', state.conversationId || '');
    state.pending += 1;
    renderTyping();
    fetch(url.href, {
      method: 'POST',
      headers: {
        'Content-Type': file.type || 'application/octet-stream',
        'X-Conversation-Token': state.token || '',
        Accept: 'application/json',
      },
      body: file,
    })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (!res.ok || typeof data.url !== 'string')
              throw new Error((data.error && data.error.message) || photoText('failed'));
            return data;
          });
      })
      .then(
        /** @param {{ url: string, position?: { lat: number, lon: number } }} data */ function (data) {
          state.pending -= 1;
          renderTyping();
          if (data.position) askPosition(data.url, data.position);
          else sendPhoto(data.url);
        },
      )
      .catch(function (error) {
        state.pending -= 1;
        renderTyping();
        bubble.classList.add('guichet-msg--failed');
        bubble.appendChild(srOnly(t('notSent')));
        appendError(error instanceof Error && error.message ? error.message : photoText('failed'));
      });
  }

  /** @param {string} url @param {{ lat: number, lon: number }} position */
  function askPosition(url, position) {
    var list = el('ul', { className: 'guichet-choices' });
    /** @param {string} label @param {boolean} use */
    var choice = function (label, use) {
      var button = el('button', { type: 'button', className: 'guichet-choice', text: label });
      button.addEventListener('click', function () {
        sendPhoto(url, use ? { lat: position.lat, lon: position.lon } : undefined);
        input.focus();
      });
      list.appendChild(el('li', null, [button]));
      return button;
    };
    var yes = choice(photoText('yes'), true);
    choice(photoText('no'), false);
    appendItem(
      'bot',
      t('botSaid'),
      el('div', { className: 'guichet-bubble' }, [paragraph(photoText('usePosition')), list]),
    );
    yes.focus();
  }

  /** @param {string} url @param {{ lat: number, lon: number }} [location] */
  function sendPhoto(url, location) {
    disableChoices();
    /** @type {Record<string, unknown>} */
    var body = {
      text: '',
      tenant: TENANT,
      locale: state.locale,
      clientMessageId: newId(),
      media: [{ url: url }],
    };
    if (location) body.location = location;
    state.pending += 1;
    renderTyping();
    post(body, false)
      .then(function (result) {
        if (!result.ok) throw new Error('send failed');
        if (result.persisted) {
          markLive(rowKey('in', ''));
          result.messages.forEach(function (reply) {
            markLive(rowKey('out', reply));
          });
        }
        result.messages.forEach(function (reply) {
          appendReply(reply);
        });
      })
      .catch(function () {
        appendError(t('sendFailed'));
      })
      .then(function () {
        state.pending -= 1;
        renderTyping();
      });
  }

  function mount() {
    applyTexts();
    document.body.appendChild(root);
    // Back after a reload with the panel open: show it again, without taking the focus.
    if (stored.open && state.conversationId) {
      state.opened = true;
      openPanel(false);
    }
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();

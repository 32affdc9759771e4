// @ts-check
/*
 * Guichet agent console: plain browser JavaScript, no build step, no third-party code.
 * The API token stays in sessionStorage (this tab only) and travels in the Authorization header, never in
 * a URL. Live events come from /api/v1/events (Server-Sent Events read with fetch). Every text from the
 * API is written with textContent: nothing a citizen types is ever parsed as HTML.
 */
(function () {
  'use strict';

  /**
   * The shapes this console reads from the API (backoffice/schemas.ts is the reference).
   * @typedef {{ id: string, name: string }} TenantView
   * @typedef {{ name?: string, role: string, tenantId: string | null, authorityId?: string | null,
   *   tenants: TenantView[] }} Me
   * @typedef {{ direction: string, text: string, createdAt?: string,
   *   payload?: { voiceMessage?: { recordingSid: string, durationS: number } } | null }} MessageView
   * @typedef {{ id: string, reference: string, type: string, status: string, channel: string,
   *   communeId?: string | null, createdAt?: string, payload?: { category?: string } }} RequestView
   * @typedef {{ question?: string | null, lastIntents?: string[],
   *   form?: { title?: string, fields?: { label: string, value: string }[] } | null,
   *   followUp?: { kind: string, phone?: string, promisedBy?: string }, outsideHours?: boolean }} HandoverSummary
   * @typedef {{ written: boolean, sms: boolean, phone: string | null, phoneDisplay: string | null }} Reach
   * @typedef {{ id: string, channel: string, owner: string, status?: string, address?: string,
   *   createdAt?: string, updatedAt?: string, handedOverAt?: string | null,
   *   lastMessage?: { text: string } | null, handover?: { at: string, summary?: HandoverSummary } | null,
   *   messages?: MessageView[], requests?: RequestView[], reach?: Reach }} ConversationView
   * @typedef {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement} FormField
   * @typedef {Error & { status?: number }} ApiError
   */

  var TOKEN_KEY = 'guichet.console.token';
  var API = '/api/v1';

  /** @type {Record<string, string>} */
  var FOLLOW_UP = {
    callback: 'Rappel par téléphone',
    sms: 'Réponse par SMS',
    message: 'Message laissé ici',
    voice_message: 'Message vocal laissé au téléphone',
  };
  /** @type {Record<string, string>} */
  var CHANNEL = {
    webchat: 'Web chat',
    sms: 'SMS',
    whatsapp: 'WhatsApp',
    voice: 'Téléphone',
    botframework: 'Teams / Bot Framework',
    cli: 'Terminal',
    open311: 'Open311',
  };
  /** @type {Record<string, string>} */
  var OWNER = { bot: 'Assistant', queue: 'En attente', agent: 'Agent' };
  /** @type {Record<string, string>} */
  var DIRECTION = { in: 'Citoyen', out: 'Assistant', agent: 'Agent' };
  /** @type {Record<string, string>} */
  var ROLE = { agent: 'Agent', supervisor: 'Responsable', admin: 'Administrateur' };

  /**
   * @type {{ token: string | null, me: Me | null, tenant: string | null, current: string | null,
   *   conversations: Record<string, ConversationView>,
   *   stream: AbortController | null, streamRetry: number }}
   */
  var state = {
    token: null,
    me: null,
    tenant: null,
    current: null,
    conversations: {},
    stream: null,
    streamRetry: 1000,
  };

  /** An element of index.html (all present once the DOM is loaded). */
  /** @param {string} id @returns {HTMLElement} */
  function $(id) {
    return /** @type {HTMLElement} */ (document.getElementById(id));
  }

  /** A form control of index.html. */
  /** @param {string} id @returns {FormField} */
  function field(id) {
    return /** @type {FormField} */ (document.getElementById(id));
  }

  // The shared builders (common.js): text only through textContent.
  var el = window.Guichet.el;
  var clear = window.Guichet.clear;

  /** @param {string} text */
  function announce(text) {
    var region = $('announce');
    region.textContent = '';
    // A new text node after a tick is read even when the same sentence repeats.
    setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  /** Dates in the territory's time zone (common.js), whatever the agent's computer says. */
  /** @param {string | null | undefined} iso */
  function when(iso) {
    return window.Guichet.when(iso);
  }

  /** @param {string} [sep] */
  function tenantQuery(sep) {
    return state.me && state.me.tenantId === null && state.tenant
      ? (sep || '?') + 'tenant=' + encodeURIComponent(state.tenant)
      : '';
  }

  /**
   * @param {string} path
   * @param {{ method?: string, body?: unknown }} [options]
   * @returns {Promise<any>} the API's JSON answer (shapes above)
   */
  function api(path, options) {
    options = options || {};
    var headers = authHeaders({ Accept: 'application/json' });
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(API + path, {
      method: options.method || 'GET',
      headers: headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    }).then(function (res) {
      return res.json().then(
        function (body) {
          if (!res.ok) {
            /** @type {ApiError} */
            var error = new Error((body && body.error && body.error.message) || 'Erreur ' + res.status);
            error.status = res.status;
            throw error;
          }
          return body;
        },
        function () {
          /** @type {ApiError} */
          var error = new Error('Erreur ' + res.status);
          error.status = res.status;
          throw error;
        },
      );
    });
  }

  /**
   * A token typed in this tab travels as a bearer; otherwise the session cookie goes with its CSRF token (signin.js).
   * @param {Record<string, string>} headers
   */
  function authHeaders(headers) {
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    else window.GuichetSignin.addHeaders(headers);
    return headers;
  }

  /** @param {string} path */
  function withTenant(path) {
    return path + tenantQuery(path.indexOf('?') >= 0 ? '&' : '?');
  }

  // ---------- login ----------

  /** @param {string} [message] */
  function showLogin(message) {
    $('login').hidden = false;
    $('app').hidden = true;
    $('session').hidden = true;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  /** @param {string | null} token `null`: the browser's console session (signed in with the identity provider). */
  function login(token) {
    state.token = token;
    return api('/me').then(
      /** @param {Me} me */
      function (me) {
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
        state.me = me;
        state.tenant = me.tenantId || (me.tenants[0] && me.tenants[0].id) || null;
        start();
      },
      /** @param {ApiError} error */
      function (error) {
        state.token = null;
        sessionStorage.removeItem(TOKEN_KEY);
        if (!token) return showLogin(error.status === 401 ? 'Votre session a pris fin.' : error.message);
        showLogin(error.status === 401 ? 'Ce jeton n’est pas reconnu (ou il a été révoqué).' : error.message);
      },
    );
  }

  function logout() {
    if (!state.token) window.GuichetSignin.signOut(false);
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    if (state.stream) state.stream.abort();
    state.stream = null;
    showLogin('Vous êtes déconnecté.');
  }

  function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('session').hidden = false;
    field('token').value = '';
    var me = /** @type {Me} */ (state.me);
    var tenant = me.tenants.filter(function (t) {
      return t.id === me.tenantId;
    })[0];
    $('whoami').textContent =
      (me.name || 'Agent') +
      ' · ' +
      (ROLE[me.role] || me.role) +
      (me.tenantId ? ' · ' + (tenant ? tenant.name : me.tenantId) : ' · tous les territoires');
    $('tab-indicators').hidden = me.role === 'agent';
    var picker = $('tenant');
    clear(picker);
    me.tenants.forEach(function (t) {
      picker.appendChild(el('option', { value: t.id, text: t.name, selected: t.id === state.tenant }));
    });
    $('tenant-picker').hidden = me.tenantId !== null;
    if (window.GuichetAdmin) window.GuichetAdmin.start(me, api, withTenant);
    if (window.GuichetRequests) window.GuichetRequests.start(me, api, withTenant, logout);
    refreshQueue();
    listen();
    $('main').focus();
    // A request's page links to its conversation: /console?conversation=<id> opens it here.
    var asked = new URLSearchParams(location.search).get('conversation');
    if (asked) openConversation(asked, true);
  }

  // ---------- tabs ----------

  /** @param {string | null} name */
  function showTab(name) {
    Array.prototype.forEach.call(
      document.querySelectorAll('.tab'),
      /** @param {Element} tab */ function (tab) {
        tab.setAttribute('aria-pressed', String(tab.getAttribute('data-tab') === name));
      },
    );
    ['queue', 'requests', 'indicators'].forEach(function (panel) {
      $('panel-' + panel).hidden = panel !== name;
    });
    if (name === 'indicators') loadIndicators();
  }

  // ---------- queue and conversations ----------

  /** The line of a conversation in a list: channel, who holds it, since when; its last message. */
  /** @param {ConversationView} c */
  function conversationLabel(c) {
    return (
      (CHANNEL[c.channel] || c.channel) + ' · ' + OWNER[c.owner] + ' · ' + when(c.handedOverAt || c.updatedAt)
    );
  }

  /** @param {ConversationView} c */
  function conversationItem(c) {
    var button = el(
      'button',
      {
        type: 'button',
        className: 'conv',
        'data-conversation-id': c.id,
        onclick: function () {
          openConversation(c.id, true);
        },
      },
      [el('span', { className: 'conv-label' }), el('span', { className: 'conv-last' })],
    );
    return el('li', { 'data-conversation-id': c.id }, [button]);
  }

  /** @param {Element} node @param {string} text */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  /**
   * Brings a list up to date in place: a conversation already shown keeps its element, only its texts change
   * and it moves only if the order did. A live refresh arrives at any moment; replacing the buttons would take
   * the keyboard focus away from the agent and swallow a click whose press and release straddle it.
   */
  /** @param {HTMLElement} list @param {ConversationView[]} conversations */
  function renderConversations(list, conversations) {
    /** @type {Record<string, boolean>} */
    var wanted = {};
    conversations.forEach(function (c) {
      wanted[c.id] = true;
    });
    /** @type {Record<string, Element>} */
    var shown = {};
    // Those gone first: otherwise the one the agent is on would be moved in front of them, and a moved element
    // loses the focus (the usual case: the head of the queue taken by a colleague).
    Array.prototype.slice.call(list.children).forEach(
      /** @param {Element} li */ function (li) {
        var id = li.getAttribute('data-conversation-id') || '';
        if (wanted[id]) shown[id] = li;
        else list.removeChild(li);
      },
    );
    conversations.forEach(function (c, index) {
      state.conversations[c.id] = c;
      var li = shown[c.id] || conversationItem(c);
      var button = /** @type {HTMLElement} */ (li.firstElementChild);
      var current = state.current === c.id;
      button.classList.toggle('current', current);
      if (current) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
      setText(/** @type {Element} */ (button.children[0]), conversationLabel(c));
      setText(
        /** @type {Element} */ (button.children[1]),
        (c.lastMessage ? c.lastMessage.text : '').slice(0, 120),
      );
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
  }

  function refreshQueue() {
    return Promise.all([
      api(withTenant('/conversations?state=queue&limit=100')),
      api(withTenant('/conversations?state=agent&limit=100')),
    ]).then(function (pages) {
      /** @type {ConversationView[]} */
      var queue = pages[0].items.sort(
        /** @param {ConversationView} a @param {ConversationView} b */ function (a, b) {
          return String(a.handedOverAt || a.createdAt).localeCompare(String(b.handedOverAt || b.createdAt));
        },
      );
      renderConversations($('queue'), queue);
      $('queue-empty').hidden = queue.length > 0;
      $('queue-count').textContent = String(queue.length);
      renderConversations($('mine'), pages[1].items);
    }, handleError);
  }

  /** @param {MessageView} m */
  function messageItem(m) {
    var who = DIRECTION[m.direction] || m.direction;
    var voice = m.payload && m.payload.voiceMessage;
    return el('li', { className: 'msg msg-' + m.direction }, [
      el('span', { className: 'msg-who', text: who + ' · ' + when(m.createdAt) }),
      el('p', { className: 'msg-text', text: m.text }),
      voice && state.current ? voicePlayer(state.current, voice.recordingSid) : null,
    ]);
  }

  /** @param {string} conversationId @param {string} recordingSid */
  function voicePlayer(conversationId, recordingSid) {
    return window.Guichet.voicePlayer(
      withTenant(
        '/conversations/' +
          encodeURIComponent(conversationId) +
          '/voice-messages/' +
          encodeURIComponent(recordingSid),
      ),
      logout,
    );
  }

  /** Loads and shows a conversation; `focus` moves the keyboard focus to it (a user's click, not a live refresh). */
  /** @param {string} id @param {boolean} focus */
  function openConversation(id, focus) {
    state.current = id;
    return api(withTenant('/conversations/' + encodeURIComponent(id))).then(
      /** @param {ConversationView} c */ function (c) {
        state.conversations[id] = c;
        // The agent opened another conversation while this one loaded: showing it now would put one citizen's
        // summary and transcript under the conversation the agent chose last.
        if (state.current !== id) return;
        $('conversation').hidden = false;
        $('conv-title').textContent = 'Conversation ' + (CHANNEL[c.channel] || c.channel);
        $('conv-meta').textContent =
          OWNER[c.owner] + ' · ouverte le ' + when(c.createdAt) + ' · ' + c.address;
        renderSummary(c);
        var list = $('transcript');
        clear(list);
        (c.messages || []).forEach(function (m) {
          list.appendChild(messageItem(m));
        });
        list.scrollTop = list.scrollHeight;
        updateActions(c);
        refreshQueue();
        if (focus) $('conv-title').focus();
      },
      handleError,
    );
  }

  /** @param {ConversationView} c */
  function renderSummary(c) {
    var dl = $('summary');
    clear(dl);
    var summary = (c.handover && c.handover.summary) || {};
    /** @param {string} label @param {string | undefined} value */
    function row(label, value) {
      if (!value) return;
      dl.appendChild(el('dt', { text: label }));
      dl.appendChild(el('dd', { text: value }));
    }
    row('Transmise le', c.handover ? when(c.handover.at) : '');
    // The citizen's own question, not the menu choice that asked for a person (see intents/human-agent).
    row('Question du citoyen', summary.question || 'Aucune question écrite avant la demande d’un agent.');
    row('Sujets récents', Array.isArray(summary.lastIntents) ? summary.lastIntents.join(', ') : '');
    if (summary.form && summary.form.title) {
      row('Démarche en cours', summary.form.title);
      (summary.form.fields || []).forEach(function (f) {
        row(f.label, f.value);
      });
    }
    if (summary.followUp)
      row(
        'Suivi demandé',
        (FOLLOW_UP[summary.followUp.kind] || summary.followUp.kind) +
          (summary.followUp.promisedBy ? ' · promis avant ' + when(summary.followUp.promisedBy) : ''),
      );
    if (summary.outsideHours) row('Hors horaires', 'oui');
    var requests = $('conv-requests');
    clear(requests);
    if (!c.requests || c.requests.length === 0) requests.appendChild(el('li', { text: 'Aucune demande.' }));
    else
      window.Guichet.vocabulary().then(function (v) {
        clear(requests);
        (c.requests || []).forEach(function (r) {
          var category = r.payload && r.payload.category;
          var type =
            window.Guichet.label(v, 'requestTypes', r.type) +
            (category ? ' · ' + window.Guichet.label(v, 'categories', r.type + ':' + category) : '');
          requests.appendChild(
            el('li', {}, [
              el('a', {
                href: '/console/demande.html?ref=' + encodeURIComponent(r.reference),
                text: r.reference,
              }),
              ' · ' + type + ' · ' + window.Guichet.label(v, 'statuses', r.status),
            ]),
          );
        });
      });
  }

  /** @param {ConversationView} c */
  function updateActions(c) {
    var open = c.status === 'open';
    field('takeover').disabled = !open || c.owner === 'agent';
    field('release').disabled = !open || c.owner === 'bot';
    // The reply box does not pretend: after an ended call, an SMS when the number can get one, else say so.
    var reach = c.reach || { written: true, sms: false, phone: null, phoneDisplay: null };
    var canWrite = reach.written || reach.sms;
    var notice = $('reply-reach');
    notice.hidden = reach.written;
    notice.textContent = reach.written
      ? ''
      : reach.sms
        ? 'L’appel est terminé. Envoyer un SMS au ' + reach.phoneDisplay + ' ?'
        : reach.phoneDisplay
          ? 'Aucun moyen de joindre cette personne par écrit : rappelez-la au ' + reach.phoneDisplay + '.'
          : 'Aucun moyen de joindre cette personne par écrit.';
    $('reply-label').textContent = reach.sms
      ? 'Votre SMS au ' + reach.phoneDisplay
      : 'Votre réponse au citoyen';
    $('reply-send').textContent = reach.sms ? 'Envoyer le SMS' : 'Envoyer';
    field('reply-text').disabled = !open || c.owner !== 'agent' || !canWrite;
    field('reply-send').disabled = !open || c.owner !== 'agent' || !canWrite;
  }

  /**
   * @param {string} path
   * @param {Record<string, unknown> | undefined} body
   * @param {(conversation: ConversationView) => void} [done]
   */
  function act(path, body, done) {
    var id = state.current;
    if (!id) return;
    $('reply-error').textContent = '';
    api(withTenant('/conversations/' + encodeURIComponent(id) + path), {
      method: 'POST',
      body: body || {},
    }).then(function (c) {
      return openConversation(/** @type {string} checked above */ (id), false).then(function () {
        if (done) done(c);
      });
    }, handleError);
  }

  // ---------- live events ----------

  /** @param {string} text */
  function setLive(text) {
    $('live-status').textContent = text;
  }

  function listen() {
    if (state.stream) state.stream.abort();
    var controller = new AbortController();
    state.stream = controller;
    fetch(API + '/events' + tenantQuery('?'), {
      headers: authHeaders({}),
      signal: controller.signal,
      cache: 'no-store',
    })
      .then(function (res) {
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var buffer = '';
        /** @returns {Promise<void>} */
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error('closed');
            buffer += decoder.decode(chunk.value, { stream: true });
            var end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              handleFrame(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (controller.signal.aborted || !state.me) return;
        setLive('Direct interrompu, reconnexion…');
        setTimeout(function () {
          if (state.stream === controller) listen();
        }, state.streamRetry);
        state.streamRetry = Math.min(state.streamRetry * 2, 30000);
      });
  }

  /** @param {string} frame */
  function handleFrame(frame) {
    var event = 'message';
    var data = '';
    frame.split('\n').forEach(function (line) {
      if (line.indexOf('event:') === 0) event = line.slice(6).trim();
      else if (line.indexOf('data:') === 0) data += line.slice(5).trim();
    });
    if (!data) return;
    var payload;
    try {
      payload = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (event === 'ready') {
      state.streamRetry = 1000;
      setLive('En direct');
      refreshQueue(); // catch up on what happened while disconnected
      return;
    }
    if (event === 'conversation') {
      if (payload.change === 'handover') announce('Nouvelle conversation en attente d’un agent.');
      refreshQueue();
      if (payload.conversationId === state.current) openConversation(payload.conversationId, false);
      return;
    }
    if (event === 'message') {
      if (payload.conversationId === state.current && payload.direction === 'in') {
        $('transcript').appendChild(
          messageItem({ direction: payload.direction, text: payload.text, createdAt: payload.at }),
        );
        announce('Nouveau message du citoyen : ' + payload.text);
      } else if (payload.conversationId === state.current) {
        openConversation(payload.conversationId, false);
      } else if (payload.direction === 'in') {
        announce('Nouveau message dans une autre conversation.');
        refreshQueue();
      }
    }
  }

  // ---------- indicators (indicators.js) ----------

  function loadIndicators() {
    if (window.GuichetIndicators && state.me) window.GuichetIndicators.show(state.me, withTenant);
  }

  /** @param {ApiError | null | undefined} error */
  function handleError(error) {
    if (error && error.status === 401) return logout();
    var message = (error && error.message) || 'Erreur';
    if (!$('conversation').hidden) $('reply-error').textContent = message;
    announce(message);
  }

  // ---------- wiring ----------

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var token = field('token').value.trim();
      if (!token) return showLogin('Saisissez votre jeton.');
      login(token);
    });
    $('logout').addEventListener('click', logout);
    $('tenant').addEventListener('change', function () {
      state.tenant = field('tenant').value;
      state.current = null;
      $('conversation').hidden = true;
      refreshQueue();
      listen();
    });
    Array.prototype.forEach.call(
      document.querySelectorAll('.tab'),
      /** @param {Element} tab */ function (tab) {
        tab.addEventListener('click', function () {
          showTab(tab.getAttribute('data-tab'));
        });
      },
    );
    $('takeover').addEventListener('click', function () {
      act('/takeover', {}, function () {
        announce('Vous avez pris la conversation en charge. Le citoyen est prévenu.');
        $('reply-text').focus();
      });
    });
    $('release').addEventListener('click', function () {
      act('/release', undefined, function () {
        announce('Conversation rendue à l’assistant.');
      });
    });
    $('reply-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var text = field('reply-text').value.trim();
      if (!text) {
        $('reply-error').textContent = 'Écrivez un message.';
        return;
      }
      var current = state.current ? state.conversations[state.current] : undefined;
      var bySms = Boolean(current && current.reach && current.reach.sms);
      act(bySms ? '/sms' : '/messages', { text: text }, function () {
        field('reply-text').value = '';
        $('reply-text').focus();
      });
    });
    var saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) login(saved);
    else
      window.GuichetSignin.resume().then(function (signedIn) {
        if (signedIn) login(null);
        else showLogin('');
      });
  });
})();

// @ts-check
/*
 * The console's steering dashboard ("Indicateurs"): a period (days in the territory's time zone, end included),
 * whose figures (one's own authority, or the whole territory), trend by week or month, the headline figures
 * compared with the previous period of the same length, charts drawn by Chart.js (served from its npm package,
 * /console/vendor/chart.js) each followed by a table of the same numbers (RGAA: the chart is an image, the
 * table is what assistive technologies read), and the CSV export. Labels come from the API (French names,
 * never ids); definitions: backoffice/indicators/definitions.ts. Loaded after common.js.
 */
(function () {
  'use strict';

  var G = window.Guichet;
  var DAY_MS = 86400000;
  /** Colours with at least 3:1 contrast on white (RGAA 3.3 for graphical objects). */
  var COLOURS = ['#000091', '#b34000', '#18753c', '#6e445a', '#3a3a3a', '#695240'];

  /**
   * @typedef {{ key: string, count: number, label?: string }} Row
   * @typedef {{ count: number, median: number | null, p90: number | null }} Spread
   * @typedef {{ key: string, label: string, unit: string, counts: string, better: string,
   *   value: number | null, previous: number | null }} Figure
   */

  /** @type {{ withTenant: (path: string) => string, charts: any[], wired: boolean }} */
  var state = { withTenant: G.withTenant, charts: [], wired: false };
  var lastFigures = G.latestOnly();

  /** @param {Date} d */
  function isoDay(d) {
    return (
      d.getFullYear() +
      '-' +
      String(d.getMonth() + 1).padStart(2, '0') +
      '-' +
      String(d.getDate()).padStart(2, '0')
    );
  }

  /** @param {string} day @param {number} days */
  function addDays(day, days) {
    var d = new Date(day + 'T12:00:00');
    return isoDay(new Date(d.getTime() + days * DAY_MS));
  }

  /** @param {number | null | undefined} seconds */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min';
    if (seconds < 86400 * 2) return (seconds / 3600).toFixed(1).replace('.', ',') + ' h';
    return (seconds / 86400).toFixed(1).replace('.', ',') + ' j';
  }

  /** @param {number | null | undefined} rate */
  function percent(rate) {
    return rate === null || rate === undefined ? '—' : Math.round(rate * 100) + ' %';
  }

  /** @param {number | null} value @param {string} unit */
  function formatted(value, unit) {
    if (unit === 'seconds') return duration(value);
    if (unit === 'rate') return percent(value);
    return value === null ? '—' : value.toLocaleString('fr-FR');
  }

  /** The comparison in words: "en hausse de 12 % (120 la période précédente)". @param {Figure} f */
  function comparison(f) {
    if (f.previous === null || f.value === null) return 'Pas de comparaison possible';
    var before = formatted(f.previous, f.unit) + ' sur la période précédente';
    if (f.value === f.previous) return 'Stable (' + before + ')';
    var up = f.value > f.previous;
    var change =
      f.unit === 'rate'
        ? Math.abs(Math.round((f.value - f.previous) * 100)) + ' point(s)'
        : f.previous === 0
          ? ''
          : Math.abs(Math.round(((f.value - f.previous) / f.previous) * 100)) + ' %';
    return (up ? 'En hausse' : 'En baisse') + (change ? ' de ' + change : '') + ' (' + before + ')';
  }

  /** @param {Figure} f */
  function tone(f) {
    if (f.previous === null || f.value === null || f.value === f.previous || f.better === 'neither')
      return '';
    return f.value > f.previous === (f.better === 'up') ? 'better' : 'worse';
  }

  /**
   * A table that may scroll sideways on a narrow screen: a named region the keyboard can reach and scroll.
   * @param {string} title @param {HTMLElement | HTMLElement[]} content
   */
  function scrollable(title, content) {
    return G.el(
      'div',
      { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': title + ' : tableau' },
      Array.isArray(content) ? content : [content],
    );
  }

  /**
   * A chart and its table. `series`: one or more named series over the same labelled rows.
   * @param {string} id @param {string} title @param {string} kind 'bar' | 'line'
   * @param {string[]} labels @param {{ name: string, values: number[] }[]} series
   * @param {{ horizontal?: boolean, unit?: string }} [options]
   */
  function chart(id, title, kind, labels, series, options) {
    var opts = options || {};
    var canvas = G.el('canvas', {
      id: id,
      role: 'img',
      'aria-label': title + ' : graphique, les valeurs sont dans le tableau qui suit.',
    });
    var head = G.el('tr', {}, [G.el('th', { scope: 'col', text: opts.unit || 'Libellé' })]);
    series.forEach(function (s) {
      head.appendChild(G.el('th', { scope: 'col', text: s.name }));
    });
    var body = G.el('tbody');
    labels.forEach(function (label, i) {
      var row = G.el('tr', {}, [G.el('th', { scope: 'row', text: label })]);
      series.forEach(function (s) {
        row.appendChild(G.el('td', { text: (s.values[i] || 0).toLocaleString('fr-FR') }));
      });
      body.appendChild(row);
    });
    if (labels.length === 0)
      body.appendChild(
        G.el('tr', {}, [
          G.el('td', { colspan: series.length + 1, className: 'empty', text: 'Aucune donnée.' }),
        ]),
      );
    var table = G.el('table', { className: 'data' }, [
      G.el('caption', { text: title + ' (données du graphique)' }),
      G.el('thead', {}, [head]),
      body,
    ]);
    var height = opts.horizontal ? Math.max(160, labels.length * 28 + 60) : 260;
    var box = G.el('div', { className: 'chart-box' }, [canvas]);
    box.style.height = height + 'px';
    var figure = G.el('section', { className: 'chart', 'aria-labelledby': id + '-title' }, [
      G.el('h3', { id: id + '-title', text: title }),
      // Nothing to draw: the table says so.
      labels.length > 0 ? box : null,
      scrollable(title, table),
    ]);
    var ChartJs = window.Chart;
    if (ChartJs && labels.length > 0) {
      state.charts.push(
        new ChartJs(canvas, {
          type: kind,
          data: {
            labels: labels,
            datasets: series.map(function (s, i) {
              return {
                label: s.name,
                data: s.values,
                backgroundColor: COLOURS[i % COLOURS.length],
                borderColor: COLOURS[i % COLOURS.length],
              };
            }),
          },
          options: {
            animation: false,
            maintainAspectRatio: false,
            indexAxis: opts.horizontal ? 'y' : 'x',
            plugins: { legend: { display: series.length > 1 } },
            // Counts: whole numbers on the value axis (precision is ignored by a category axis).
            scales: {
              x: { beginAtZero: true, ticks: { autoSkip: true, precision: 0 } },
              y: { beginAtZero: true, ticks: { precision: 0 } },
            },
            locale: 'fr-FR',
          },
        }),
      );
    }
    return figure;
  }

  /** @param {string} id @param {string} title @param {Row[]} rows @param {string} unit */
  function breakdown(id, title, rows, unit) {
    return chart(
      id,
      title,
      'bar',
      rows.map(function (r) {
        return r.label || r.key;
      }),
      [
        {
          name: unit,
          values: rows.map(function (r) {
            return r.count;
          }),
        },
      ],
      { horizontal: true, unit: 'Libellé' },
    );
  }

  /** The delays per service level: a table (no chart: each line has its own delay). @param {any} view */
  function serviceLevels(view) {
    var body = G.el('tbody');
    view.delays.byServiceLevel.forEach(
      /** @param {any} l */ function (l) {
        body.appendChild(
          G.el('tr', {}, [
            G.el('th', { scope: 'row', text: l.label || l.key }),
            G.el('td', { text: l.days + ' j' }),
            G.el('td', { text: duration(l.resolution.median) }),
            G.el('td', { text: duration(l.resolution.p90) }),
            G.el('td', { text: percent(l.rate) + ' (' + l.withinLevel + ' sur ' + l.due + ')' }),
          ]),
        );
      },
    );
    if (view.delays.byServiceLevel.length === 0)
      body.appendChild(
        G.el('tr', {}, [
          G.el('td', { colspan: 5, className: 'empty', text: 'Aucun délai de traitement défini.' }),
        ]),
      );
    var head = G.el(
      'tr',
      {},
      [
        'Type de demande',
        'Délai prévu',
        'Résolution (médiane)',
        'Résolution (9 sur 10)',
        'Dans le délai',
      ].map(function (t) {
        return G.el('th', { scope: 'col', text: t });
      }),
    );
    return G.el('section', { className: 'chart wide', 'aria-labelledby': 'levels-title' }, [
      G.el('h3', { id: 'levels-title', text: 'Délais de traitement par type de demande' }),
      scrollable('Délais de traitement par type de demande', [
        G.el('table', { className: 'data' }, [
          G.el('caption', { text: 'Délais de résolution comparés au délai prévu' }),
          G.el('thead', {}, [head]),
          body,
        ]),
      ]),
    ]);
  }

  /**
   * Citizen satisfaction (answers 1 to 5) by channel, service and team: a table (a share needs its count beside it).
   * @param {any} view
   */
  function satisfaction(view) {
    var body = G.el('tbody');
    /** @param {string} group @param {any[]} rows */
    function section(group, rows) {
      rows.forEach(
        /** @param {any} r */ function (r) {
          body.appendChild(
            G.el('tr', {}, [
              G.el('th', { scope: 'row', text: group + ' : ' + (r.label || r.key) }),
              G.el('td', { text: String(r.count) }),
              G.el('td', { text: percent(r.rate) + ' (' + r.satisfied + ' sur ' + r.count + ')' }),
              G.el('td', {
                text: r.mean === null ? '—' : r.mean.toFixed(1).replace('.', ',') + ' sur 5',
              }),
            ]),
          );
        },
      );
    }
    var s = view.satisfaction;
    if (s.count > 0) section('Ensemble', [Object.assign({}, s, { label: 'toutes les réponses' })]);
    section('Canal', s.byChannel);
    section('Service', s.byType);
    if (view.scope.breakdowns) section('Équipe', s.byTeam);
    if (s.count === 0)
      body.appendChild(
        G.el('tr', {}, [
          G.el('td', { colspan: 4, className: 'empty', text: 'Aucune réponse sur la période.' }),
        ]),
      );
    var head = G.el(
      'tr',
      {},
      ['Réponses de', 'Réponses', 'Satisfaits (4 ou 5)', 'Note moyenne'].map(function (t) {
        return G.el('th', { scope: 'col', text: t });
      }),
    );
    return G.el('section', { className: 'chart wide', 'aria-labelledby': 'csat-title' }, [
      G.el('h3', { id: 'csat-title', text: 'Satisfaction des usagers' }),
      scrollable('Satisfaction des usagers', [
        G.el('table', { className: 'data' }, [
          G.el('caption', {
            text: 'Réponses de 1 à 5 à la question de satisfaction, par canal, service et équipe',
          }),
          G.el('thead', {}, [head]),
          body,
        ]),
      ]),
    ]);
  }

  /** @param {string} iso */
  function day(iso) {
    return G.when(iso, { date: true });
  }

  /** @param {any} view */
  function render(view) {
    state.charts.forEach(function (c) {
      c.destroy();
    });
    state.charts = [];
    var root = G.byId('indicators');
    G.clear(root);
    var lastDay = new Date(new Date(view.to).getTime() - 1).toISOString();
    var scopeText =
      'Chiffres de : ' +
      view.scope.label +
      ', du ' +
      day(view.from) +
      ' au ' +
      day(lastDay) +
      (view.previous
        ? ', comparés à la période du ' +
          day(view.previous.from) +
          ' au ' +
          day(new Date(new Date(view.previous.to).getTime() - 1).toISOString())
        : '') +
      '.';
    root.appendChild(G.el('p', { id: 'indicators-scope', className: 'scope', text: scopeText }));

    var figures = G.el('ul', { className: 'figures', 'aria-label': 'Chiffres clés' });
    (view.figures || []).forEach(
      /** @param {Figure} f */ function (f) {
        figures.appendChild(
          G.el('li', { className: 'figure ' + tone(f), title: f.counts }, [
            G.el('span', { className: 'figure-label', text: f.label }),
            G.el('span', { className: 'figure-value', text: formatted(f.value, f.unit) }),
            G.el('span', { className: 'figure-compare', text: comparison(f) }),
          ]),
        );
      },
    );
    root.appendChild(figures);

    var buckets = view.trend.buckets;
    var bucketLabels = buckets.map(
      /** @param {any} b */ function (b) {
        return b.label || b.key;
      },
    );
    /** @param {string} field */
    var values = function (field) {
      return buckets.map(
        /** @param {any} b */ function (b) {
          return b[field];
        },
      );
    };
    var charts = G.el('div', { className: 'charts' });
    charts.appendChild(
      chart(
        'chart-trend',
        view.trend.granularity === 'month' ? 'Évolution par mois' : 'Évolution par semaine',
        'line',
        bucketLabels,
        [
          { name: 'Demandes', values: values('requests') },
          { name: 'dont résolues', values: values('resolved') },
          { name: 'Conversations', values: values('conversations') },
          { name: 'dont transférées à un agent', values: values('handedOver') },
        ],
        { unit: 'Période' },
      ),
    );
    charts.appendChild(breakdown('chart-channel', 'Demandes par canal', view.requests.byChannel, 'Demandes'));
    charts.appendChild(breakdown('chart-type', 'Demandes par type', view.requests.byType, 'Demandes'));
    charts.appendChild(
      breakdown('chart-category', 'Signalements par catégorie', view.requests.byCategory, 'Demandes'),
    );
    if (view.scope.breakdowns) {
      charts.appendChild(
        breakdown('chart-commune', 'Demandes par commune', view.requests.byCommune, 'Demandes'),
      );
      charts.appendChild(
        breakdown(
          'chart-authority',
          'Demandes par autorité compétente',
          view.requests.byAuthority,
          'Demandes',
        ),
      );
    }
    charts.appendChild(
      breakdown('chart-kind', 'Demandes par type d’acteur', view.requests.byAuthorityKind || [], 'Demandes'),
    );
    charts.appendChild(
      breakdown('chart-backlog', 'Demandes en attente par ancienneté', view.backlog.ageing, 'Demandes'),
    );
    charts.appendChild(
      breakdown(
        'chart-conversations',
        'Conversations par canal',
        view.conversations.byChannel,
        'Conversations',
      ),
    );
    if (view.scope.breakdowns)
      charts.appendChild(
        breakdown(
          'chart-teams',
          'Interventions réalisées par équipe',
          view.interventions.byTeam,
          'Interventions',
        ),
      );
    charts.appendChild(serviceLevels(view));
    charts.appendChild(satisfaction(view));
    root.appendChild(charts);
  }

  /** The API query of the form: days as typed, the end day included (so `to` is the day after). */
  function query() {
    var from = G.input('ind-from').value;
    var to = G.input('ind-to').value;
    var parts = ['from=' + from, 'to=' + addDays(to, 1), 'scope=' + G.select('ind-scope').value];
    var granularity = G.select('ind-granularity').value;
    if (granularity) parts.push('granularity=' + granularity);
    return parts.join('&');
  }

  function check() {
    var from = G.input('ind-from').value;
    var to = G.input('ind-to').value;
    var error = G.byId('ind-error');
    if (!from || !to) error.textContent = 'Indiquez le premier et le dernier jour de la période.';
    else if (from > to) error.textContent = 'Le premier jour doit précéder le dernier.';
    else error.textContent = '';
    return error.textContent === '';
  }

  function load() {
    if (!check()) return;
    G.byId('indicators').setAttribute('aria-busy', 'true');
    lastFigures(G.api(state.withTenant('/indicators?' + query()))).then(
      function (view) {
        G.byId('indicators').removeAttribute('aria-busy');
        render(view);
        G.announce('Indicateurs mis à jour.');
      },
      /** @param {GuichetApiError} e */ function (e) {
        G.byId('indicators').removeAttribute('aria-busy');
        G.byId('ind-error').textContent = e.message || 'Erreur';
      },
    );
  }

  /** fetch + Blob: a tab token travels in the Authorization header, never in a URL (as the requests export). */
  function exportCsv() {
    if (!check()) return;
    /** @type {Record<string, string>} */
    var headers = {};
    var token = sessionStorage.getItem('guichet.console.token');
    if (token) headers.Authorization = 'Bearer ' + token;
    fetch('/api/v1' + state.withTenant('/indicators/export.csv?' + query()), {
      headers: headers,
      cache: 'no-store',
    })
      .then(function (res) {
        if (!res.ok) throw new Error('Erreur ' + res.status);
        var match = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
        return res.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = G.el('a', { href: url, download: match ? match[1] : 'indicateurs.csv', hidden: true });
          document.body.appendChild(link);
          link.click();
          document.body.removeChild(link);
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 1000);
          G.announce('Export CSV des indicateurs téléchargé.');
        });
      })
      .catch(
        /** @param {Error} e */ function (e) {
          G.byId('ind-error').textContent = e.message;
        },
      );
  }

  /** @param {{ authorityId?: string | null }} me @param {(path: string) => string} withTenant */
  function show(me, withTenant) {
    state.withTenant = withTenant;
    if (!state.wired) {
      state.wired = true;
      var today = isoDay(new Date());
      G.input('ind-to').value = today;
      G.input('ind-from').value = addDays(today, -89);
      G.byId('ind-scope-field').hidden = !me.authorityId;
      G.byId('indicators-form').addEventListener('submit', function (e) {
        e.preventDefault();
        load();
      });
      G.button('ind-export').addEventListener('click', exportCsv);
    }
    load();
  }

  window.GuichetIndicators = { show: show };
})();

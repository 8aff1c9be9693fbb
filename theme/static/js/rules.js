/*
 * The rules contract in the browser: a port of player/p2f_player/contract/rules.py
 * (DESIGN.md §3.2). Same semantics, checked against the same vectors (tests/vectors/rules.json)
 * by tests/webdata/test_rules_js.py.
 *
 * Local time is Europe/Paris whatever the browser's own zone: local parts come from
 * Intl.DateTimeFormat({timeZone: "Europe/Paris"}), so DST changes are right. A time window
 * that crosses midnight belongs to the day it started (Friday 22:00-02:00 still runs on
 * Saturday at 01:00, judged as Friday).
 *
 * The moment rules (momentWeight: places open now or soon, events by how soon they start,
 * offers by how soon they end; audiencesAt: audience segments by hour) port
 * player/p2f_player/contract/rules_moments.py and run the same vectors.
 *
 * It deliberately does not choose which item to show (the player's scheduler does) nor read
 * the clock: every judgement takes the moment as an argument (a Date, ISO string or ms).
 *
 * Use: as a classic script (window.P2FRules), from an ES module (import "/theme/js/rules.js";
 * then globalThis.P2FRules), or with require() (module.exports).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  root.P2FRules = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  var WEEKDAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"];
  var AUDIENCES = ["affaires", "excursionnistes", "seniors", "familles", "residents", "jeunes"];
  var LANGUAGES = ["fr", "en", "de", "es"];
  var DEFAULT_PRIORITY = 50;
  var DEFAULT_DURATION_S = 10;
  var RULE_FIELDS = [
    "dates", "weekdays", "hours", "sites", "near", "audiences", "languages",
    "priority", "weight", "max_per_hour", "duration_s"
  ];
  var DAY_MS = 86400000;

  // -- errors --------------------------------------------------------------------------

  function RuleError(field, message) {
    var error = new Error(field + ": " + message);
    Object.setPrototypeOf(error, RuleError.prototype);
    error.name = "RuleError";
    error.field = field;
    error.message = field + ": " + message;
    error.reason = message;
    return error;
  }
  RuleError.prototype = Object.create(Error.prototype);
  RuleError.prototype.constructor = RuleError;

  function repr(value) {
    try { return JSON.stringify(value); } catch (e) { return String(value); }
  }

  // -- time in Europe/Paris ------------------------------------------------------------

  var parisFormat = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris", hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit"
  });

  function toDate(moment) {
    var date = moment instanceof Date ? moment : new Date(moment);
    if (isNaN(date.getTime())) throw new TypeError("not a moment: " + repr(moment));
    return date;
  }

  /** {year, month, day, hour, minute, second, weekday: "mo".."su"} in Europe/Paris. */
  function parisParts(moment) {
    var date = toDate(moment), parts = {};
    parisFormat.formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    var out = {
      year: +parts.year, month: +parts.month, day: +parts.day,
      hour: +parts.hour % 24, minute: +parts.minute, second: +parts.second
    };
    out.weekday = WEEKDAYS[weekdayIndex(dayNumber(out.year, out.month, out.day))];
    return out;
  }

  // Days are whole numbers (days since 1970-01-01) so that "the day before" is just - 1.
  function dayNumber(year, month, day) {
    return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
  }

  function weekdayIndex(day) {  // Monday = 0, as Python's date.weekday()
    return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
  }

  /** [day number, milliseconds since local midnight] of a moment, in Europe/Paris. */
  function localDayAndTime(moment) {
    var date = toDate(moment), p = parisParts(date);
    // Paris offsets are whole minutes: the milliseconds are the same in every zone.
    var ms = ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + date.getUTCMilliseconds();
    return [dayNumber(p.year, p.month, p.day), ms];
  }

  function distanceKm(lat1, lon1, lat2, lon2) {  // haversine, as rules.distance_km
    var r = 6371.0088, rad = Math.PI / 180;
    var p1 = lat1 * rad, p2 = lat2 * rad, dp = p2 - p1, dl = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dp / 2), 2) +
      Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * r * Math.asin(Math.sqrt(a));
  }

  // -- the rules -----------------------------------------------------------------------

  function windowCrosses(w) { return w.end <= w.start; }

  function windowContains(w, ms) {
    if (windowCrosses(w)) return ms >= w.start || ms < w.end;
    return w.start <= ms && ms < w.end;
  }

  function Rules(fields) {
    this.dates = fields.dates || [];        // [{start, end}] day numbers, end inclusive
    this.weekdays = fields.weekdays || [];  // ["mo", ...]
    this.hours = fields.hours || [];        // [{start, end}] ms since local midnight
    this.sites = fields.sites || [];        // site ids and "tag:<tag>"
    this.near = fields.near || null;        // {lat, lon, radius_km}
    this.audiences = fields.audiences || [];
    this.languages = fields.languages || [];
    this.priority = fields.priority === undefined ? DEFAULT_PRIORITY : fields.priority;
    this.weight = fields.weight === undefined ? 1.0 : fields.weight;
    this.max_per_hour = fields.max_per_hour === undefined ? null : fields.max_per_hour;
    this.duration_s = fields.duration_s === undefined ? DEFAULT_DURATION_S : fields.duration_s;
  }

  /** True when the place rules (sites, near) admit this screen {id, tags, lat, lon}. */
  Rules.prototype.appliesToSite = function (site) {
    var sites = this.sites;
    if (sites.length) {
      var tags = site.tags || [];
      var hit = sites.indexOf(site.id) >= 0 || tags.some(function (t) {
        return sites.indexOf("tag:" + t) >= 0;
      });
      if (!hit) return false;
    }
    if (this.near) {
      if (site.lat === null || site.lat === undefined || site.lon === null || site.lon === undefined) {
        return false;
      }
      if (distanceKm(this.near.lat, this.near.lon, site.lat, site.lon) > this.near.radius_km) {
        return false;
      }
    }
    return true;
  };

  Rules.prototype._dateAdmits = function (day) {
    if (this.dates.length && !this.dates.some(function (r) { return r.start <= day && day <= r.end; })) {
      return false;
    }
    return !(this.weekdays.length && this.weekdays.indexOf(WEEKDAYS[weekdayIndex(day)]) < 0);
  };

  /** True when the time rules (dates, weekdays, hours) admit this moment. */
  Rules.prototype.activeAt = function (moment) {
    var local = localDayAndTime(moment), today = local[0], now = local[1];
    if (!this.hours.length) return this._dateAdmits(today);
    for (var i = 0; i < this.hours.length; i++) {
      var w = this.hours[i];
      if (!windowContains(w, now)) continue;
      // A window crossing midnight belongs to the day it started.
      var started = windowCrosses(w) && now < w.end ? today - 1 : today;
      if (this._dateAdmits(started)) return true;
    }
    return false;
  };

  /** True when every date range ended before this moment: it can never show again. */
  Rules.prototype.expiredAt = function (moment) {
    if (!this.dates.length) return false;
    var lastDay = Math.max.apply(null, this.dates.map(function (r) { return r.end; }));
    var tails = this.hours.filter(windowCrosses).map(function (w) { return w.end; });
    var local = localDayAndTime(moment);
    if (tails.length) {  // the overnight tail of a window that started on the last day
      var tail = Math.max.apply(null, tails);
      return local[0] > lastDay + 1 || (local[0] === lastDay + 1 && local[1] >= tail);
    }
    return local[0] > lastDay;
  };

  /** Both: this screen, at this moment. */
  Rules.prototype.matches = function (site, moment) {
    return this.appliesToSite(site) && this.activeAt(moment);
  };

  // Python names, so code can be ported either way.
  Rules.prototype.applies_to_site = Rules.prototype.appliesToSite;
  Rules.prototype.active_at = Rules.prototype.activeAt;
  Rules.prototype.expired_at = Rules.prototype.expiredAt;

  // -- parsing (same checks, same order, same field names as parse_rules) ---------------

  function isMapping(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function hasExactly(value, keys) {
    if (!isMapping(value)) return false;
    var own = Object.keys(value);
    return own.length === keys.length && keys.every(function (k) { return own.indexOf(k) >= 0; });
  }

  function asList(raw, name) {
    var value = raw[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw RuleError("rules." + name, "expected a list, got " + repr(value));
    return value;
  }

  function parseStrings(raw, name) {
    var values = asList(raw, name);
    values.forEach(function (value) {
      if (typeof value !== "string" || !value) {
        throw RuleError("rules." + name, "expected words, got " + repr(value));
      }
    });
    return values;
  }

  function parseChoice(raw, name, allowed) {
    var values = parseStrings(raw, name);
    values.forEach(function (value) {
      if (allowed.indexOf(value) < 0) {
        throw RuleError("rules." + name, '"' + value + '" is not one of ' + allowed.join(", "));
      }
    });
    return values;
  }

  function toDay(value, where) {
    var m = typeof value === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) {
      var y = +m[1], mo = +m[2], d = +m[3], check = new Date(Date.UTC(y, mo - 1, d));
      if (y >= 1 && check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 &&
          check.getUTCDate() === d) {
        return dayNumber(y, mo, d);
      }
    }
    throw RuleError(where, repr(value) + " is not a date (expected YYYY-MM-DD, e.g. 2026-07-14)");
  }

  function parseDateRange(index, raw) {
    var where = "rules.dates[" + index + "]";
    if (!hasExactly(raw, ["from", "until"])) {
      throw RuleError(where, "expected {from: YYYY-MM-DD, until: YYYY-MM-DD}");
    }
    return { start: toDay(raw.from, where + ".from"), end: toDay(raw.until, where + ".until") };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function toTimeMs(value, where) {
    if (typeof value === "number" && Number.isInteger(value)) {
      // YAML 1.1 reads an unquoted 18:00 as the sexagesimal number 1080.
      var hours = Math.floor(value / 60), minutes = value - hours * 60;
      value = (hours < 0 ? "-" + pad(-hours) : pad(hours)) + ":" + pad(minutes);
    }
    if (typeof value === "string") {
      if (value === "24:00") return 0;
      var m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
      if (m) return (+m[1] * 60 + +m[2]) * 60000;
    }
    throw RuleError(where, repr(value) + ' is not a time of day (expected "HH:MM", e.g. "18:30")');
  }

  function parseWindow(index, raw) {
    var where = "rules.hours[" + index + "]";
    if (!hasExactly(raw, ["from", "until"])) throw RuleError(where, 'expected {from: "HH:MM", until: "HH:MM"}');
    return { start: toTimeMs(raw.from, where + ".from"), end: toTimeMs(raw.until, where + ".until") };
  }

  function toFloat(value) {  // as Python's float(): numbers, booleans, numeric strings
    if (typeof value === "number") return value;
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "string") {
      var text = value.trim().replace(/_/g, "");
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return parseFloat(text);
      if (/^[+-]?(inf|infinity)$/i.test(text)) return text[0] === "-" ? -Infinity : Infinity;
      if (/^[+-]?nan$/i.test(text)) return NaN;
    }
    throw RuleError("rules.near", "expected numbers (could not convert " + repr(value) + ")");
  }

  function parseNear(raw) {
    if (raw === undefined || raw === null) return null;
    if (!hasExactly(raw, ["lat", "lon", "radius_km"])) {
      throw RuleError("rules.near", "expected {lat: number, lon: number, radius_km: number}");
    }
    var near = { lat: toFloat(raw.lat), lon: toFloat(raw.lon), radius_km: toFloat(raw.radius_km) };
    if (near.radius_km <= 0) throw RuleError("rules.near.radius_km", "must be greater than 0");
    return near;
  }

  function parseInt_(raw, name, fallback, low, high) {
    var value = Object.prototype.hasOwnProperty.call(raw, name) ? raw[name] : fallback;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw RuleError("rules." + name, "expected a whole number, got " + repr(value));
    }
    if (!(low <= value && value <= high)) {
      throw RuleError("rules." + name, value + " is outside " + low + ".." + high);
    }
    return value;
  }

  function parseWeight(raw) {
    var value = Object.prototype.hasOwnProperty.call(raw, "weight") ? raw.weight : 1.0;
    if (typeof value !== "number" || isNaN(value)) {
      throw RuleError("rules.weight", "expected a number, got " + repr(value));
    }
    if (!(0 < value && value <= 100)) {
      throw RuleError("rules.weight", value + " is outside 0 (excluded)..100");
    }
    return value;
  }

  /** Rules from their YAML/JSON form (the manifest form too). Throws RuleError naming the field. */
  function parseRules(raw) {
    if (raw === undefined || raw === null) return new Rules({});
    if (!isMapping(raw)) {
      throw RuleError("rules", "expected a mapping of rules, got " + (Array.isArray(raw) ? "list" : typeof raw));
    }
    var unknown = Object.keys(raw).filter(function (k) { return RULE_FIELDS.indexOf(k) < 0; }).sort();
    if (unknown.length) {
      throw RuleError("rules." + unknown[0], "unknown rule (known: " + RULE_FIELDS.join(", ") + ")");
    }
    var fields = {};
    fields.dates = asList(raw, "dates").map(function (r, i) { return parseDateRange(i, r); });
    fields.weekdays = parseChoice(raw, "weekdays", WEEKDAYS);
    fields.hours = asList(raw, "hours").map(function (w, i) { return parseWindow(i, w); });
    fields.sites = parseStrings(raw, "sites");
    fields.near = parseNear(raw.near);
    fields.audiences = parseChoice(raw, "audiences", AUDIENCES);
    fields.languages = parseChoice(raw, "languages", LANGUAGES);
    fields.priority = parseInt_(raw, "priority", DEFAULT_PRIORITY, 0, 100);
    fields.weight = parseWeight(raw);
    fields.max_per_hour = raw.max_per_hour === undefined || raw.max_per_hour === null
      ? null : parseInt_(raw, "max_per_hour", 0, 1, 3600);
    fields.duration_s = parseInt_(raw, "duration_s", DEFAULT_DURATION_S, 3, 120);
    return new Rules(fields);
  }

  /**
   * May the item show now, for this visitor? The player's eligibility (scheduler.is_eligible)
   * without what only a screen knows (plays per hour): rules are a Rules object, their JSON or
   * the item_rules() form {rules, window};
   * context = {now, site?, audiences?, language?, window?: {from, until}}. Audiences admit the
   * item when either side is empty or they share one; languages when the item names none or
   * names this one.
   */
  function matches(rules, context) {
    var window = context.window;
    if (isMapping(rules) && !(rules instanceof Rules) && "rules" in rules) {
      // The item_rules() form: {rules, window}.
      window = window || rules.window;
      rules = rules.rules;
    }
    var r = rules instanceof Rules ? rules : parseRules(rules);
    var now = context.now === undefined ? new Date() : context.now;
    var at = toDate(now).getTime();
    if (window && !(Date.parse(window.from) <= at && at < Date.parse(window.until))) return false;
    if (context.site && !r.appliesToSite(context.site)) return false;
    if (r.expiredAt(now) || !r.activeAt(now)) return false;
    var audiences = context.audiences || [];
    if (r.audiences.length && audiences.length &&
        !r.audiences.some(function (a) { return audiences.indexOf(a) >= 0; })) {
      return false;
    }
    return !(context.language && r.languages.length && r.languages.indexOf(context.language) < 0);
  }

  /**
   * For the website's data-rules attribute ({rules, window: {from, until} | null}, written by
   * the item_rules() template function): true once the item can never show again.
   */
  function isOver(data, moment) {
    var now = toDate(moment).getTime();
    if (data.window && now >= Date.parse(data.window.until)) return true;
    return parseRules(data.rules).expiredAt(moment);
  }

  // -- moment rules (a port of rules_moments.py: same vectors) --------------------------

  var DEFAULT_MOMENTS = {
    open_within_h: 1, event_horizon_h: 48,
    event_weights: [{within_h: 3, weight: 4}, {within_h: 12, weight: 2}],
    offer_weights: [{within_h: 48, weight: 3}, {within_h: 168, weight: 1.5}]
  };
  var HOUR_MS = 3600000;

  /** The ``moments`` of settings (the build writes them whole; missing fields: defaults). */
  function momentSettings(settings) {
    var given = (settings && settings.moments) || {}, out = {};
    Object.keys(DEFAULT_MOMENTS).forEach(function (k) {
      out[k] = given[k] === undefined ? DEFAULT_MOMENTS[k] : given[k];
    });
    return out;
  }

  function stepWeight(steps, hours) {
    for (var i = 0; i < steps.length; i++) if (hours <= steps[i].within_h) return steps[i].weight;
    return 1;
  }

  /** Open now, or opening within ``withinH`` hours: open = {until, intervals: [[from, until]]}. */
  function isOpenOrSoon(open, moment, withinH) {
    var now = toDate(moment).getTime();
    if (now >= Date.parse(open.until)) return false;
    var soon = now + withinH * HOUR_MS;
    return open.intervals.some(function (span) {
      return Date.parse(span[0]) <= soon && now < Date.parse(span[1]);
    });
  }

  /**
   * How much a slide is worth showing at ``moment``; 0: not now (rules_moments.moment_weight).
   * item = {kind, window: {from, until} | null, open: {until, intervals} | null}.
   */
  function momentWeight(item, moment, settings) {
    var m = momentSettings(settings), now = toDate(moment).getTime(), w = item.window;
    if (w) {
      var start = Date.parse(w.from), end = Date.parse(w.until);
      if (now >= end) return 0;
      if (item.kind === "event") {
        var hours = (start - now) / HOUR_MS;
        if (hours > m.event_horizon_h) return 0;
        return stepWeight(m.event_weights, Math.max(0, hours));
      }
      if (now < start) return 0;
      if (item.kind === "offer") return stepWeight(m.offer_weights, (end - now) / HOUR_MS);
    }
    if (item.open && !isOpenOrSoon(item.open, moment, m.open_within_h)) return 0;
    return 1;
  }

  /**
   * Audiences at a moment from an audience_hours table ([{audiences, weekdays, hours}]):
   * those of every matching block, else ``fallback`` (rules_moments.audiences_at).
   */
  function audiencesAt(table, fallback, moment) {
    var found = [];
    (table || []).forEach(function (block) {
      var rules = parseRules({weekdays: block.weekdays || [], hours: block.hours || []});
      if (!rules.activeAt(moment)) return;
      block.audiences.forEach(function (a) { if (found.indexOf(a) < 0) found.push(a); });
    });
    return (found.length ? found : (fallback || []).slice()).sort();
  }

  return {
    WEEKDAYS: WEEKDAYS, AUDIENCES: AUDIENCES, LANGUAGES: LANGUAGES, RULE_FIELDS: RULE_FIELDS,
    Rules: Rules, RuleError: RuleError, parseRules: parseRules, matches: matches, isOver: isOver,
    parisParts: parisParts, distanceKm: distanceKm, momentWeight: momentWeight,
    isOpenOrSoon: isOpenOrSoon, audiencesAt: audiencesAt
  };
});

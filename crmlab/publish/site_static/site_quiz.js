/* crmlab static site: check practice questions in the browser, by the rules of
 * crmlab.quiz.scoring (single, multi, truefalse, numeric, matching; accept_any).
 * The data comes from crmlab.publish.site_quiz.checking_data; graded questions carry no key.
 * No dependencies, no network: the page works opened from disk. */
(function () {
  "use strict";
  var quizzes = {};

  // Python's float() of the widget's text, for the forms a number field takes.
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  function round6(x) { return Math.round(x * 1e6) / 1e6; }

  function fraction(q, answer) {
    if (q.type === "single") {
      return q.options.some(function (o) { return o.correct && o.id === answer; }) ? 1 : 0;
    }
    if (q.type === "multi") {
      var right = 0, wrong = 0, nCorrect = 0;
      q.options.forEach(function (o) {
        if (o.correct) { nCorrect += 1; }
        if (answer.indexOf(o.id) >= 0) { if (o.correct) { right += 1; } else { wrong += 1; } }
      });
      return Math.max(0, (right - wrong) / nCorrect);
    }
    if (q.type === "truefalse") { return answer === q.answer ? 1 : 0; }
    if (q.type === "numeric") {
      return Math.abs(answer - q.answer) <= q.allowed + 1e-12 ? 1 : 0;
    }
    var matched = q.pairs.filter(function (p) { return answer[p.id] === p.match; }).length;
    return matched / q.pairs.length;
  }

  function optionFeedback(q, answer) {
    if (q.type !== "single" && q.type !== "multi") { return []; }
    var chosen = q.type === "multi" ? answer : [answer];
    return q.options.filter(function (o) {
      return chosen.indexOf(o.id) >= 0 && o.feedback;
    }).map(function (o) { return o.feedback; });
  }

  /* The verdict on one answer, as crmlab.publish.site_quiz.expected_verdict gives it. */
  function check(quizId, questionId, answer) {
    var quiz = quizzes[quizId];
    if (!quiz) { throw new Error("unknown quiz " + quizId); }
    var q = quiz.questions.filter(function (x) { return x.id === questionId; })[0];
    if (!q || q.mode !== "practice") { throw new Error("no practice question " + questionId); }
    if (q.type === "numeric" && answer !== null) {
      var raw = String(answer).trim().replace(/,/g, ".");
      if (raw === "") { answer = null; }
      else if (!NUMBER.test(raw)) { return { status: "not_number" }; }
      else { answer = Number(raw); }
    }
    if (answer === null || answer === undefined) { return { status: "choose" }; }
    if (q.type === "multi") {
      answer = answer.filter(function (x, i) { return answer.indexOf(x) === i; }).sort();
    }
    if (q.type === "matching") {
      var kept = {};
      Object.keys(answer).sort().forEach(function (k) {
        if (answer[k] !== null && answer[k] !== "") { kept[k] = answer[k]; }
      });
      answer = kept;
    }
    var share = q.accept_any ? 1 : fraction(q, answer);
    var points = round6(q.points * share);
    var correct = share === 1;
    return {
      status: "ok", correct: correct, points: points, max_points: q.points,
      verdict: correct ? "correct" : (points ? "partly" : "incorrect"),
      explanation: q.explanation, option_feedback: optionFeedback(q, answer),
      accepted_any: q.accept_any
    };
  }

  /* The answer a question's form holds, in the form check() takes. */
  function read(form, q) {
    if (q.type === "single") {
      var picked = form.querySelector("input:checked");
      return picked ? picked.value : null;
    }
    if (q.type === "truefalse") {
      var tf = form.querySelector("input:checked");
      return tf ? tf.value === "true" : null;
    }
    if (q.type === "multi") {
      return Array.prototype.map.call(form.querySelectorAll("input:checked"),
        function (box) { return box.value; });
    }
    if (q.type === "numeric") { return form.querySelector("input").value; }
    var answer = {};
    Array.prototype.forEach.call(form.querySelectorAll("select[data-pair]"), function (sel) {
      answer[sel.getAttribute("data-pair")] = sel.value || null;
    });
    return answer;
  }

  function fmt(x) { return String(round6(x)); }

  function show(box, quiz, result) {
    var labels = quiz.labels;
    box.textContent = "";
    if (result.status !== "ok") {
      box.className = "crmlab-feedback crmlab-warn";
      box.textContent = labels[result.status];
      return;
    }
    box.className = "crmlab-feedback crmlab-" + result.verdict;
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = labels[result.verdict];
    head.appendChild(strong);
    head.appendChild(document.createTextNode(
      " (" + fmt(result.points) + "/" + fmt(result.max_points) + ")"));
    box.appendChild(head);
    var lines = [];
    if (result.accepted_any) { lines.push(labels.any_answer + ": " + result.accepted_any); }
    lines = lines.concat(result.option_feedback);
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    if (result.explanation) {
      var ex = document.createElement("p");
      ex.className = "crmlab-explanation";
      ex.textContent = result.explanation;
      box.appendChild(ex);
    }
  }

  function attach(section) {
    var dataNode = section.querySelector("script.crmlab-quiz-data");
    if (!dataNode) { return; }
    var quiz = JSON.parse(dataNode.textContent);
    quizzes[quiz.quiz] = quiz;
    quiz.questions.forEach(function (q) {
      if (q.mode !== "practice") { return; }
      var form = section.querySelector('form[data-question="' + q.id + '"]');
      if (!form) { return; }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        show(form.querySelector(".crmlab-feedback"), quiz, check(quiz.quiz, q.id, read(form, q)));
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("section.crmlab-quiz"), attach);
  }

  window.crmlabQuiz = { check: check, read: read, quizzes: quizzes };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());

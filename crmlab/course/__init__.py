"""The course engine: the machinery that runs the course, not the subject it teaches.

The subject (customer and supplier relationship analytics the lessons call) lives in the modules
at the top of :mod:`crmlab`; shared infrastructure (:mod:`crmlab.paths`,
:mod:`crmlab.exceptions`, :mod:`crmlab.atomic`, :mod:`crmlab._validation`,
:mod:`crmlab.datasets`, :mod:`crmlab.cli`) stays there too. Here:

- :mod:`crmlab.course.quiz`: quizzes as data (schema, question types, widget, scoring, grading,
  item analysis, GIFT export);
- :mod:`crmlab.course.exercises`: papermill exercises (release, assign, autograde);
- :mod:`crmlab.course.submission`: the one format of saved answers and submission bundles;
- :mod:`crmlab.course.roster` and :mod:`crmlab.course.lms`: the roster and the Canvas/Moodle
  gradebook layouts both graders use;
- :mod:`crmlab.course.student`, :mod:`crmlab.course.submit`, :mod:`crmlab.course.release`:
  the student's id, their submission zip, the student copy of the course;
- :mod:`crmlab.course.lessons`, :mod:`crmlab.course.notebooks`, :mod:`crmlab.course.site`:
  the course map, notebook execution and navigation, the static site.

Lesson notebooks import a few names through thin re-export modules (:mod:`crmlab.quiz`,
:mod:`crmlab.student`, :mod:`crmlab.lessons`, :mod:`crmlab.exercises`), so the lessons do not
depend on this layout.
"""

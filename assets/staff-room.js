// Saved phrases in staff's chat room. Without this script each phrase is a submit button
// that posts the form and comes back with the phrase after what was typed. With it, a
// phrase goes in at the caret (replacing any selection) without a request, and focus goes
// back to the message box so typing can go on.
(function () {
  'use strict';

  // As the server does: a space after Latin text, nothing after Japanese or a space.
  function gap(before) {
    var last = before.slice(-1);
    return /[!-~]/.test(last) ? ' ' : '';
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('button[name="insert_phrase"]') : null;
    if (!button || !button.form) {
      return;
    }
    var box = button.form.querySelector('textarea[name="chat_message"]');
    var phrase = button.getAttribute('data-phrase');
    if (!box || phrase === null) {
      return;
    }
    event.preventDefault();
    var start = box.selectionStart;
    var end = box.selectionEnd;
    var text = gap(box.value.slice(0, start)) + phrase;
    box.focus();
    box.setRangeText(text, start, end, 'end');
    box.dispatchEvent(new Event('input', { bubbles: true }));
  });
})();

// Security keys and passkeys: the browser's side of the WebAuthn ceremonies. The server puts the options in
// a JSON block next to the form; this asks the browser for a credential and posts its answer with the form.
(function () {
  "use strict";

  function supported() {
    return Boolean(
      window.PublicKeyCredential &&
        PublicKeyCredential.parseCreationOptionsFromJSON &&
        PublicKeyCredential.parseRequestOptionsFromJSON
    );
  }

  function start(form) {
    var options = JSON.parse(document.getElementById(form.dataset.options).textContent);
    var button = form.querySelector("[data-webauthn-start]");
    var problem = form.querySelector("[data-webauthn-problem]");
    function show(message) {
      problem.textContent = message;
      problem.hidden = false;
    }
    if (!supported()) {
      button.disabled = true;
      show(form.dataset.unsupported);
      return;
    }
    button.addEventListener("click", function () {
      problem.hidden = true;
      var ask =
        form.dataset.webauthn === "register"
          ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
          : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      ask.then(
        function (credential) {
          form.querySelector("input[name=credential]").value = JSON.stringify(credential.toJSON());
          form.submit();
        },
        function () {
          show(form.dataset.cancelled);
        }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-webauthn]").forEach(start);
  });
})();

// Passkeys and security keys on the sign-in and security pages.
//
// Each element with data-passkey="register" or "authenticate" holds a button and a
// status line. Pressed, the button asks the server for options (begin URL), hands them
// to the browser's WebAuthn API, and sends the browser's answer back (complete URL); the
// server checks everything and says where to go next. The words shown come from the
// page, so they are in the page's language. Without JavaScript the element stays
// hidden and the page's other ways to sign in remain.
(() => {
  "use strict";

  const fromBase64Url = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (character) => character.charCodeAt(0)).buffer;
  };

  const toBase64Url = (buffer) => {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };

  const withIds = (descriptors) =>
    (descriptors || []).map((descriptor) => ({ ...descriptor, id: fromBase64Url(descriptor.id) }));

  const creationOptions = (options) => ({
    ...options,
    challenge: fromBase64Url(options.challenge),
    user: { ...options.user, id: fromBase64Url(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  });

  const requestOptions = (options) => ({
    ...options,
    challenge: fromBase64Url(options.challenge),
    allowCredentials: withIds(options.allowCredentials),
  });

  const asJson = (credential) => {
    const answer = credential.response;
    const response = { clientDataJSON: toBase64Url(answer.clientDataJSON) };
    if (answer.attestationObject) {
      response.attestationObject = toBase64Url(answer.attestationObject);
      response.transports = answer.getTransports ? answer.getTransports() : [];
    } else {
      response.authenticatorData = toBase64Url(answer.authenticatorData);
      response.signature = toBase64Url(answer.signature);
      response.userHandle = answer.userHandle ? toBase64Url(answer.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toBase64Url(credential.rawId),
      type: credential.type,
      response,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  };

  const post = async (url, csrfToken, body) => {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      // Not JSON: an error page. The generic message below stands.
    }
    return { ok: response.ok, data };
  };

  const start = (element) => {
    const button = element.querySelector("button");
    const status = element.querySelector("[role=status]");
    const say = (text) => {
      status.textContent = text;
    };
    element.hidden = false;
    if (!window.PublicKeyCredential || !navigator.credentials) {
      button.disabled = true;
      say(element.dataset.unsupported);
      return;
    }
    const registering = element.dataset.passkey === "register";
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(element.dataset.working);
      try {
        const begun = await post(element.dataset.beginUrl, element.dataset.csrfToken);
        if (!begun.ok) {
          say(begun.data.detail || element.dataset.failed);
          return;
        }
        const credential = registering
          ? await navigator.credentials.create({ publicKey: creationOptions(begun.data) })
          : await navigator.credentials.get({ publicKey: requestOptions(begun.data) });
        const completed = await post(
          element.dataset.completeUrl,
          element.dataset.csrfToken,
          asJson(credential),
        );
        if (completed.ok && completed.data.redirect_url) {
          say(element.dataset.done);
          window.location.assign(completed.data.redirect_url);
          return;
        }
        say(completed.data.detail || element.dataset.failed);
      } catch (error) {
        // The person cancelled, the key timed out, or it is already registered here.
        say(error && error.name === "InvalidStateError" ? element.dataset.known : element.dataset.cancelled);
      } finally {
        button.disabled = false;
      }
    });
  };

  document.querySelectorAll("[data-passkey]").forEach(start);
})();

// Polls an upload's status while it is checked, and announces the result in the page's
// aria-live region (no meta refresh). Without JavaScript the page's "Check again" link works.
const region = document.getElementById("upload-status");

async function poll(url, interval, attempt) {
  let status;
  try {
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    status = await response.json();
  } catch {
    status = null; // a failed poll is retried; the "Check again" link still works
  }
  if (status && status.done) {
    announce(status);
    return;
  }
  if (status && status.delayed) {
    delayed(status);
  }
  // Back off gently: 1 s, then up to 5 s between polls.
  const next = Math.min(interval * (1 + Math.floor(attempt / 10)), 5000);
  window.setTimeout(() => poll(url, interval, attempt + 1), next);
}

// Says once that checking is delayed (broker down or a backlog); polling goes on, and the
// result is announced when it comes.
function delayed(status) {
  const message = document.getElementById("upload-status-message");
  if (message.textContent !== status.message) message.textContent = status.message;
}

function announce(status) {
  const message = document.getElementById("upload-status-message");
  message.textContent = status.message;
  const next = document.getElementById("upload-status-next");
  const link = document.createElement("a");
  link.href = status.results_url;
  link.textContent = "See the results";
  next.replaceChildren(link);
}

if (region && region.dataset.statusUrl) {
  const interval = Number.parseInt(region.dataset.interval, 10) || 1000;
  window.setTimeout(() => poll(region.dataset.statusUrl, interval, 0), interval);
}

// The burst of the threads page: sends its requests all at once and shows, side by side, which
// thread served each and when.
const burst = document.querySelector("#burst");

async function probe(url, number) {
  const sent = performance.now();
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(`the app answered ${response.status}`);
  }
  return { number, roundTrip: performance.now() - sent, ...(await response.json()) };
}

function cell(row, text) {
  const td = row.insertCell();
  td.textContent = text;
  return td;
}

function show(results) {
  const answered = results.filter((result) => result.status === "fulfilled").map((result) => result.value);
  if (answered.length === 0) {
    burst.querySelector(".burst-summary").textContent = "No request of the burst was answered.";
  }
  const first = Math.min(...answered.map((answer) => answer.started));
  const span = Math.max(...answered.map((answer) => answer.finished)) - first || 1;
  const body = burst.querySelector("tbody");
  results.forEach((result, index) => {
    const row = body.insertRow();
    cell(row, String(index + 1));
    if (result.status === "rejected") {
      cell(row, `failed: ${result.reason.message}`).colSpan = 5;
      return;
    }
    const answer = result.value;
    cell(row, answer.thread).className = "burst-thread";
    cell(row, Math.round(answer.started - first));
    cell(row, Math.round(answer.finished - answer.started));
    cell(row, Math.round(answer.roundTrip));
    const bar = document.createElement("div");
    bar.className = "burst-bar";
    bar.style.marginLeft = `${((answer.started - first) / span) * 100}%`;
    bar.style.width = `${((answer.finished - answer.started) / span) * 100}%`;
    cell(row, "").append(bar);
  });
  if (answered.length === 0) {
    return;
  }
  const threads = new Set(answered.map((answer) => answer.thread));
  burst.querySelector(".burst-summary").textContent =
    `${answered.length} of ${results.length} requests answered, by ${threads.size} ` +
    `different threads, in ${Math.round(span)} ms on the server.`;
}

if (burst) {
  const size = Number(burst.dataset.burstSize);
  const requests = Array.from({ length: size }, (_, index) => probe(burst.dataset.probeUrl, index + 1));
  Promise.allSettled(requests).then(show);
}

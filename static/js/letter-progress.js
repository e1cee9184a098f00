// Progress of a batch of letters (templates/letters/job.html). Polls the job's status as JSON
// and updates the page; once the batch is done it reloads, so the page lists the letters and
// offers the ZIP. Without JavaScript the page has a "Refresh to see progress" link instead.
// Loaded as a module from 'self', so it needs no nonce under the strict CSP.
const root = document.getElementById('letter-job')

if (root && !['done', 'failed'].includes(root.dataset.status)) {
  const url = root.dataset.statusUrl
  const progress = document.getElementById('letter-job-progress')
  const done = document.getElementById('letter-job-done')
  const refresh = document.getElementById('letter-job-refresh')
  if (refresh) refresh.hidden = true

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok) throw new Error(String(response.status))
      const job = await response.json()
      progress.max = job.total
      progress.value = job.done
      progress.textContent = `${job.percent}%`
      if (done) done.textContent = String(job.done)
      if (job.status === 'done' || job.status === 'failed') {
        window.location.reload()
        return
      }
    } catch (error) {
      if (refresh) refresh.hidden = false // fall back to the link
      return
    }
    window.setTimeout(poll, 700)
  }
  window.setTimeout(poll, 300)
}

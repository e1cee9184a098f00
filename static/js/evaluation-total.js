// The running total on the job evaluation form (templates/grading/_evaluation_form.html): adds up
// the points of the levels chosen (each radio's data-points) and, once every factor has a level,
// shows the grade the total gives under each council's bands (the form's data-bands). Progressive
// enhancement only: without it the page shows the server's total after each save attempt, and the
// server's figure is the one kept. A module from 'self', so it needs no nonce under the strict CSP.
const form = document.querySelector('[data-je-form]')

if (form) {
  const bands = JSON.parse(form.dataset.bands || '[]')
  const factors = form.querySelectorAll('[data-je-factor]')
  const points = form.querySelector('[data-je-points]')
  const grades = form.querySelector('[data-je-grades]')

  const gradeFor = (total, council) => {
    const band = council.bands.find((b) => b.min <= total && total <= b.max)
    return `${council.code}: ${band ? band.grade : 'outside the bands'}`
  }

  const update = () => {
    let total = 0
    let chosen = 0
    factors.forEach((factor) => {
      const checked = factor.querySelector('input[type=radio]:checked')
      if (checked) {
        total += Number(checked.dataset.points || 0)
        chosen += 1
      }
    })
    if (chosen === factors.length) {
      points.textContent = `${total} points`
      grades.textContent = bands.map((council) => gradeFor(total, council)).join('; ')
    } else {
      points.textContent = `${total} points from ${chosen} of ${factors.length} factors`
      grades.textContent = 'Choose a level for every factor to see each council\'s grade.'
    }
  }

  form.addEventListener('change', update)
  update()
}

export interface HomeProps {
  provinceName: string
  sectors: Array<{ code: string, name: string, procedureCount: number }>
  agencies: Array<{ code: string, name: string, procedureCount: number }>
}

export function HomePage ({ provinceName, sectors, agencies }: HomeProps) {
  return (
    <>
      <h1 class='heading-xl'>Dịch vụ công trực tuyến</h1>
      <p class='lead'>Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến, thanh toán phí, lệ phí và theo dõi kết quả giải quyết tại {provinceName}.</p>
      <form action='/thu-tuc' method='get' role='search' class='search'>
        <label class='label' for='q'>Tìm thủ tục hành chính</label>
        <div class='search__row'>
          <div class='search__field'>
            <input class='input search__input' id='q' name='q' type='search' autocomplete='off' data-suggest='/thu-tuc/goi-y' />
          </div>
          <button type='submit' class='button search__button'>Tìm kiếm</button>
        </div>
      </form>
      <div class='cards'>
        <section class='card' aria-labelledby='card-sectors'>
          <h2 class='heading-m' id='card-sectors'>Thủ tục theo lĩnh vực</h2>
          {sectors.length === 0
            ? <p>Danh mục thủ tục chưa được nạp.</p>
            : <ul class='count-list'>{sectors.map(s => <li key={s.code}><a href={`/thu-tuc?linh-vuc=${encodeURIComponent(s.code)}`}>{s.name}</a> <span class='count'>{s.procedureCount} thủ tục</span></li>)}</ul>}
        </section>
        <section class='card' aria-labelledby='card-agencies'>
          <h2 class='heading-m' id='card-agencies'>Thủ tục theo cơ quan</h2>
          {agencies.length === 0
            ? <p>Chưa có cơ quan nào.</p>
            : <ul class='count-list'>{agencies.map(a => <li key={a.code}><a href={`/thu-tuc?co-quan=${encodeURIComponent(a.code)}`}>{a.name}</a> <span class='count'>{a.procedureCount} thủ tục</span></li>)}</ul>}
        </section>
        <section class='card' aria-labelledby='card-lookup'>
          <h2 class='heading-m' id='card-lookup'><a href='/tra-cuu-ho-so'>Tra cứu hồ sơ</a></h2>
          <p>Nhập mã hồ sơ để xem tình trạng giải quyết và ngày hẹn trả kết quả.</p>
        </section>
        <section class='card' aria-labelledby='card-statistics'>
          <h2 class='heading-m' id='card-statistics'><a href='/thong-ke'>Công khai kết quả giải quyết</a></h2>
          <p>Số hồ sơ tiếp nhận, tỉ lệ giải quyết đúng hạn, nộp và thanh toán trực tuyến, mức độ hài lòng của từng cơ quan.</p>
        </section>
      </div>
    </>
  )
}

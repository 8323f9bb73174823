export function HomePage ({ provinceName }: { provinceName: string }) {
  return (
    <>
      <h1 class='heading-xl'>Dịch vụ công trực tuyến</h1>
      <p class='lead'>Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến, thanh toán phí, lệ phí và theo dõi kết quả giải quyết tại {provinceName}.</p>
      <form action='/thu-tuc' method='get' role='search' class='search'>
        <label class='label' for='q'>Tìm thủ tục hành chính</label>
        <div class='search__row'>
          <input class='input search__input' id='q' name='q' type='search' autocomplete='off' />
          <button type='submit' class='button search__button'>Tìm kiếm</button>
        </div>
      </form>
      <div class='cards'>
        <section class='card' aria-labelledby='card-procedures'>
          <h2 class='heading-m' id='card-procedures'><a href='/thu-tuc'>Thủ tục hành chính</a></h2>
          <p>Danh mục thủ tục theo lĩnh vực và cơ quan thực hiện: thành phần hồ sơ, thời hạn, phí và lệ phí.</p>
        </section>
        <section class='card' aria-labelledby='card-lookup'>
          <h2 class='heading-m' id='card-lookup'><a href='/tra-cuu-ho-so'>Tra cứu hồ sơ</a></h2>
          <p>Nhập mã hồ sơ để xem tình trạng giải quyết và ngày hẹn trả kết quả.</p>
        </section>
      </div>
    </>
  )
}
